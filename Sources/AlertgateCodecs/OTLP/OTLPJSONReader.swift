/// Reads an OTLP/JSON `ExportTraceServiceRequest` into span records, by hand: OTLP/JSON
/// differs from protobuf's canonical JSON (ids are hex, not base64; enums are integers), so
/// no generic protobuf JSON decoder reads it right.
///
/// Names are lowerCamelCase (`resourceSpans`, `startTimeUnixNano`); the proto names
/// (`resource_spans`) are accepted too, as protobuf JSON parsers do. 64-bit integers may be
/// strings or numbers, enums integers or their names. Unknown fields are ignored. A broken
/// envelope throws; a broken span becomes a record with a `problem`, so the others still count.
enum OTLPJSONReader {
    static func records(_ body: [UInt8], maxSpans: Int) throws(CodecError) -> [OTLPSpanRecord] {
        let root = try JSONObjectReader(try JSONValue.parse(body))
        var records: [OTLPSpanRecord] = []
        for (resourceIndex, resourceValue) in try array(root, "resourceSpans", "resource_spans").enumerated() {
            let resourcePath = "resourceSpans[\(resourceIndex)]"
            let resourceSpans = try JSONObjectReader(resourceValue, path: resourcePath)
            var service: String?
            if let resource = field(resourceSpans, "resource") {
                let reader = try JSONObjectReader(resource, path: resourceSpans.name("resource"))
                service = try attributeText(array(reader, "attributes"), key: "service.name")
            }
            for (scopeIndex, scopeValue) in try array(resourceSpans, "scopeSpans", "scope_spans").enumerated() {
                let scopeSpans = try JSONObjectReader(scopeValue, path: "\(resourcePath).scopeSpans[\(scopeIndex)]")
                for (spanIndex, spanValue) in try array(scopeSpans, "spans").enumerated() {
                    guard records.count < maxSpans else {
                        throw CodecError(code: "too_many_spans", message: "a request may hold at most \(maxSpans) spans (otlp.max_spans)", field: "resourceSpans",
                                         limit: "otlp.max_spans")
                    }
                    records.append(record(spanValue, service: service, path: scopeSpans.name("spans[\(spanIndex)]")))
                }
            }
        }
        return records
    }

    private static func record(_ value: JSONValue, service: String?, path: String) -> OTLPSpanRecord {
        var record = OTLPSpanRecord(
            service: service, traceID: [], spanID: [], name: "", kind: 0, startTimeUnixNano: 0, endTimeUnixNano: 0,
            statusCode: 0, statusMessage: "", exception: nil, path: path)
        do throws(CodecError) {
            let span = try JSONObjectReader(value, path: path)
            record.traceID = try id(span, "traceId", "trace_id")
            record.spanID = try id(span, "spanId", "span_id")
            record.name = try string(span, "name") ?? ""
            record.kind = try enumeration(span, "kind", names: ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"])
            record.startTimeUnixNano = try uint64(span, "startTimeUnixNano", "start_time_unix_nano")
            record.endTimeUnixNano = try uint64(span, "endTimeUnixNano", "end_time_unix_nano")
            if let statusValue = field(span, "status") {
                let status = try JSONObjectReader(statusValue, path: span.name("status"))
                record.statusCode = try enumeration(status, "code", names: ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"])
                record.statusMessage = try string(status, "message") ?? ""
            }
            if record.statusCode == 2 { record.exception = try exception(in: span) }
        } catch {
            record.problem = error.message
        }
        return record
    }

    private static func exception(in span: JSONObjectReader) throws(CodecError) -> OTLPSpanRecord.Exception? {
        for (index, eventValue) in try array(span, "events").enumerated() {
            let event = try JSONObjectReader(eventValue, path: span.name("events[\(index)]"))
            guard try string(event, "name") == "exception" else { continue }
            let attributes = try array(event, "attributes")
            return .init(
                type: attributeText(attributes, key: "exception.type") ?? "",
                message: attributeText(attributes, key: "exception.message") ?? "",
                stacktrace: attributeText(attributes, key: "exception.stacktrace") ?? "")
        }
        return nil
    }

    // MARK: - Fields

    /// The first of `names` present and not null.
    private static func field(_ object: JSONObjectReader, _ names: String...) -> JSONValue? {
        for name in names {
            if let value = object.fields[name], value != .null { return value }
        }
        return nil
    }

    private static func array(_ object: JSONObjectReader, _ names: String...) throws(CodecError) -> [JSONValue] {
        for name in names {
            switch object.fields[name] {
            case nil, .null?: continue
            case .array(let items)?: return items
            case let other?: throw .wrongType(object.name(name), expected: "an array, got \(other.typeName)")
            }
        }
        return []
    }

    private static func string(_ object: JSONObjectReader, _ name: String) throws(CodecError) -> String? {
        switch object.fields[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw .wrongType(object.name(name), expected: "a string, got \(other.typeName)")
        }
    }

    /// A trace or span id: hex digits (OTLP/JSON), either case. Its length is checked later.
    private static func id(_ object: JSONObjectReader, _ names: String...) throws(CodecError) -> [UInt8] {
        for name in names {
            switch object.fields[name] {
            case nil, .null?: continue
            case .string(let text)?:
                guard text.utf8.count <= 64, let bytes = OTLPHex.decode(text) else {
                    throw .invalidValue(object.name(name), "must be hex digits (OTLP/JSON ids are hex, not base64), got \"\(text.prefix(64))\"")
                }
                return bytes
            case let other?: throw .wrongType(object.name(name), expected: "a hex string, got \(other.typeName)")
            }
        }
        return []
    }

    /// A 64-bit unsigned integer: a decimal string (as OTLP/JSON writes it) or a number.
    private static func uint64(_ object: JSONObjectReader, _ names: String...) throws(CodecError) -> UInt64 {
        for name in names {
            switch object.fields[name] {
            case nil, .null?: continue
            case .string(let text)?:
                guard let value = UInt64(text) else { throw .invalidValue(object.name(name), "must be an unsigned 64-bit integer, got \"\(text.prefix(32))\"") }
                return value
            case .number(let number)?:
                guard number >= 0, number < 1.8e19, number.rounded() == number else {
                    throw .invalidValue(object.name(name), "must be an unsigned 64-bit integer, got \(number)")
                }
                return UInt64(number)
            case let other?: throw .wrongType(object.name(name), expected: "an integer string, got \(other.typeName)")
            }
        }
        return 0
    }

    /// An enum: its number (OTLP/JSON) or its name (protobuf JSON).
    private static func enumeration(_ object: JSONObjectReader, _ name: String, names: [String]) throws(CodecError) -> Int {
        switch object.fields[name] {
        case nil, .null?: return 0
        case .number(let number)?:
            guard number.rounded() == number, abs(number) < 1e9 else { throw .invalidValue(object.name(name), "must be an integer, got \(number)") }
            return Int(number)
        case .string(let text)?:
            guard let index = names.firstIndex(of: text) else { throw .invalidValue(object.name(name), "must be one of \(names.joined(separator: ", ")), got \"\(text.prefix(64))\"") }
            return index
        case let other?: throw .wrongType(object.name(name), expected: "an integer, got \(other.typeName)")
        }
    }

    /// The text of the attribute `key` in a `[{"key", "value": AnyValue}]` list; values of
    /// other shapes, and malformed entries, give nil rather than an error.
    static func attributeText(_ attributes: [JSONValue], key: String) -> String? {
        for attribute in attributes {
            guard case .object(let entry) = attribute, entry["key"] == .string(key) else { continue }
            guard case .object(let value)? = entry["value"] else { return nil }
            if case .string(let text)? = value["stringValue"] ?? value["string_value"] { return text }
            if case .bool(let flag)? = value["boolValue"] ?? value["bool_value"] { return String(flag) }
            switch value["intValue"] ?? value["int_value"] {
            case .string(let text)?: return text
            case .number(let number)?: return Int64(exactly: number).map(String.init) ?? String(number)
            default: break
            }
            if case .number(let number)? = value["doubleValue"] ?? value["double_value"] { return String(number) }
            return nil
        }
        return nil
    }
}
