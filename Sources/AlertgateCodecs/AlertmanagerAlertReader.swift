import AlertgateCore

/// The parts every Alertmanager-shaped alert shares (the v2 API, the webhook, Grafana's
/// webhook): labels, annotations and the times, read and checked once.
struct AlertmanagerAlertReader {
    let reader: JSONObjectReader
    let labels: [String: String]
    let annotations: [String: String]
    let startsAt: Timestamp?
    let endsAt: Timestamp?
    let generatorURL: String?

    /// Alertmanager's "zero time" for a firing alert in webhooks.
    static let zeroTimePrefix = "0001-01-01"

    init(_ value: JSONValue, path: String = "") throws(CodecError) {
        reader = try JSONObjectReader(value, path: path)
        labels = try reader.stringMap("labels", maxEntries: 128, maxBytes: 4096)
        guard !labels.isEmpty else { throw .missing(reader.name("labels")) }
        for name in labels.keys where !Self.isValidLabelName(name) {
            throw .invalidValue("\(reader.name("labels")).\(name)", "is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        }
        annotations = try reader.stringMap("annotations", maxEntries: 128, maxBytes: 64 * 1024)
        startsAt = try Self.time(reader, "startsAt")
        endsAt = try Self.time(reader, "endsAt")
        generatorURL = try reader.string("generatorURL", maxBytes: 4096).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A time field, where Alertmanager's zero time means "not set".
    static func time(_ reader: JSONObjectReader, _ key: String) throws(CodecError) -> Timestamp? {
        if case .string(let text)? = reader.fields[key], text.hasPrefix(zeroTimePrefix) || text.isEmpty { return nil }
        return try reader.time(key)
    }

    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
        }
    }

    /// The service an alert belongs to: the first of the labels `service`, `app`, `job`,
    /// `namespace`, else "unknown".
    var service: String {
        for name in ["service", "app", "job", "namespace"] {
            if let value = labels[name], !value.isEmpty { return value }
        }
        return "unknown"
    }

    var title: String {
        let text = annotations["summary"] ?? annotations["title"] ?? labels["alertname"] ?? "alert"
        return text.utf8.count <= 1024 ? text : String(decoding: text.utf8.prefix(1024), as: UTF8.self)
    }

    var description: String? {
        annotations["description"] ?? annotations["message"]
    }

    var severity: Severity {
        labels["severity"].flatMap(Severity.init(lenient:)) ?? .error
    }

    func links(extra: [(String, String)] = []) -> [SignalLink] {
        var links: [SignalLink] = []
        if let generatorURL { links.append(SignalLink(href: generatorURL, text: "source")) }
        for (key, text) in extra {
            if let href = try? reader.string(key, maxBytes: 4096), !href.isEmpty { links.append(SignalLink(href: href, text: text)) }
        }
        return links
    }
}
