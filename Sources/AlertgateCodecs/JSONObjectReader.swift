import AlertgateCore

/// Reads typed fields out of one JSON object, naming the field in every error.
public struct JSONObjectReader: Sendable {
    public let fields: [String: JSONValue]
    /// The dotted path of this object, for error fields (`""` at the top).
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(CodecError) {
        guard case .object(let fields) = value else {
            throw CodecError(code: "wrong_type", message: "\(path.isEmpty ? "the body (or each item of a batch)" : "`\(path)`") must be a JSON object, got \(value.typeName)", field: path.isEmpty ? nil : path)
        }
        self.fields = fields
        self.path = path
    }

    /// The longest name of a map entry (`stringMap`), in bytes.
    static let maxEntryNameBytes = 256

    public func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A string field; absent or null gives nil. Longer than `maxBytes` is an error.
    public func string(_ key: String, maxBytes: Int = 4096) throws(CodecError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let value)?:
            guard value.utf8.count <= maxBytes else { throw .tooLong(name(key), limit: maxBytes) }
            return value
        case let other?: throw .wrongType(name(key), expected: "a string, got \(other.typeName)")
        }
    }

    /// A string-to-string map; numbers and booleans are turned into their text.
    public func stringMap(_ key: String, maxEntries: Int = 128, maxBytes: Int = 4096) throws(CodecError) -> [String: String] {
        switch fields[key] {
        case nil, .null?: return [:]
        case .object(let entries)?:
            guard entries.count <= maxEntries else {
                throw CodecError(code: "too_many_entries", message: "`\(name(key))` has more than \(maxEntries) entries", field: name(key), limit: "map_entries")
            }
            var result: [String: String] = Dictionary(minimumCapacity: entries.count)
            for (entryKey, value) in entries {
                // Written out only for an error: an interpolated string per entry is a malloc.
                func field() -> String { "\(name(key)).\(entryKey)" }
                guard entryKey.utf8.count <= Self.maxEntryNameBytes else { throw .tooLong("\(name(key)) key", limit: Self.maxEntryNameBytes) }
                switch value {
                case .string(let text):
                    guard text.utf8.count <= maxBytes else { throw .tooLong(field(), limit: maxBytes) }
                    result[entryKey] = text
                case .number(let number):
                    result[entryKey] = number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                case .bool(let flag): result[entryKey] = String(flag)
                case .null: continue
                default: throw .wrongType(field(), expected: "a string, got \(value.typeName)")
                }
            }
            return result
        case let other?: throw .wrongType(name(key), expected: "an object of strings, got \(other.typeName)")
        }
    }

    /// A time: RFC 3339 text or seconds since the epoch.
    public func time(_ key: String) throws(CodecError) -> Timestamp? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let time = RFC3339.parse(text) else { throw .invalidValue(name(key), "must be an RFC 3339 time such as 2026-11-29T04:00:00Z, got \"\(text.prefix(64))\"") }
            return time
        case .number(let seconds)?:
            guard seconds.isFinite, seconds > 0, seconds < 1e11 else { throw .invalidValue(name(key), "must be seconds since 1970 or an RFC 3339 time") }
            return Timestamp(milliseconds: Int64(seconds * 1000))
        case let other?: throw .wrongType(name(key), expected: "an RFC 3339 time, got \(other.typeName)")
        }
    }

    /// `[{"href", "text"}]`.
    public func links(_ key: String) throws(CodecError) -> [SignalLink] {
        switch fields[key] {
        case nil, .null?: return []
        case .array(let items)?:
            guard items.count <= 32 else { throw .invalidValue(name(key), "has more than 32 links") }
            var links: [SignalLink] = []
            for (offset, item) in items.enumerated() {
                let reader = try JSONObjectReader(item, path: "\(name(key))[\(offset)]")
                guard let href = try reader.string("href", maxBytes: 2048) else { throw .missing(reader.name("href")) }
                links.append(SignalLink(href: href, text: try reader.string("text", maxBytes: 1024)))
            }
            return links
        case let other?: throw .wrongType(name(key), expected: "an array of links, got \(other.typeName)")
        }
    }
}

extension JSONObjectReader {
    // MARK: - Nested objects and ids

    /// A nested object that must be there.
    func object(_ key: String) throws(CodecError) -> JSONObjectReader {
        guard let value = fields[key] else { throw .missing(name(key)) }
        return try JSONObjectReader(value, path: name(key))
    }

    /// A nested object, nil when absent or null.
    func optionalObject(_ key: String) throws(CodecError) -> JSONObjectReader? {
        switch fields[key] {
        case nil, .null?: nil
        case let value?: try JSONObjectReader(value, path: name(key))
        }
    }

    /// An id sent as a string or a whole number.
    func identifier(_ key: String, maxBytes: Int) throws(CodecError) -> String? {
        if case .number(let number)? = fields[key] {
            guard number.rounded() == number else { throw .wrongType(name(key), expected: "a string or a whole number, got \(number)") }
            return fields[key]?.jsonText
        }
        return try string(key, maxBytes: maxBytes)
    }
}
