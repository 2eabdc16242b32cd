import AlertgateCore

/// GELF 1.0/1.1 messages (one JSON object) from HTTP bodies and, after reassembly and
/// decompression, UDP datagrams.
///
/// `level` is a syslog severity (0 emergency … 7 debug, default 1); `_service`, else `_app`,
/// `facility` or `host`, gives the service; other `_` fields become labels without the `_`.
public struct GELFCodec: Sendable {
    public init() {}

    public func decode(_ body: [UInt8]) throws(CodecError) -> Signal {
        let message = try JSONObjectReader(try JSONValue.parse(body))
        guard let shortMessage = try message.string("short_message", maxBytes: 64 * 1024), !shortMessage.isEmpty else {
            throw .missing("short_message")
        }
        if let version = try message.string("version", maxBytes: 16), !["1.0", "1.1"].contains(version) {
            throw .invalidValue("version", "must be 1.0 or 1.1, got \"\(version)\"")
        }
        let host = try message.string("host", maxBytes: 255) ?? "unknown"
        let level = try Self.level(message)
        var labels: [String: String] = ["host": host, "level": String(level)]
        for (key, value) in message.fields where key.hasPrefix("_") && key != "_id" && key.count > 1 {
            guard labels.count < 64 else { break }
            let name = String(key.dropFirst())
            switch value {
            case .string(let text): labels[name] = String(text.prefix(4096))
            case .number, .bool: labels[name] = value.jsonText
            default: continue
            }
        }
        let facility = try message.string("facility", maxBytes: 256)
        if let facility { labels["facility"] = facility }
        let service = labels["service"] ?? labels["app"] ?? facility ?? host
        if labels["app"] == nil { labels["app"] = service }
        let title = shortMessage.utf8.count <= 1024 ? shortMessage : String(decoding: shortMessage.utf8.prefix(1024), as: UTF8.self)
        var occurredAt: Timestamp?
        switch message.fields["timestamp"] {
        case .number(let seconds)? where seconds.isFinite && seconds > 0 && seconds < 1e11:
            occurredAt = Timestamp(milliseconds: Int64(seconds * 1000))
        case nil, .null?:
            break
        default:
            throw .wrongType("timestamp", expected: "seconds since 1970 as a number")
        }
        return Signal(
            kind: .log, source: .gelf, status: .firing, service: service, title: title,
            description: try message.string("full_message", maxBytes: 64 * 1024), severity: Self.severity(level: level),
            labels: labels, occurredAt: occurredAt, sender: host)
    }

    static func level(_ message: JSONObjectReader) throws(CodecError) -> Int {
        switch message.fields["level"] {
        case nil, .null?: return 1
        case .number(let value)? where value.rounded() == value && (0...7).contains(value): return Int(value)
        case .string(let text)?:
            guard let value = Int(text), (0...7).contains(value) else { throw .invalidValue("level", "must be a syslog severity 0..7") }
            return value
        default: throw .invalidValue("level", "must be a syslog severity 0..7")
        }
    }

    /// Syslog severities: 0–2 critical, 3 error, 4 warning, 5–7 info.
    public static func severity(level: Int) -> Severity {
        Severity(syslogLevel: level)
    }
}
