import AlertgateCore

/// One Alertmanager-shaped alert (the v2 API, the webhook, Grafana's webhook) as checked,
/// typed values: what a signal is made of, whichever reader took them from the body
/// (`AlertmanagerAlertReader` from a `JSONValue`, `AlertmanagerAlertScanner` from the bytes).
struct AlertmanagerAlert {
    var labels: [String: String] = [:]
    /// The annotations a signal uses; the others are checked and dropped.
    var summary: String?
    var titleAnnotation: String?
    var descriptionAnnotation: String?
    var message: String?
    var startsAt: Timestamp?
    var endsAt: Timestamp?
    var generatorURL: String?

    /// At most this many entries in `labels`, and in `annotations`.
    static let maxEntries = 128
    /// The longest label value, and annotation value, in bytes.
    static let maxLabelBytes = 4096
    static let maxAnnotationBytes = 64 * 1024
    static let maxGeneratorURLBytes = 4096
    /// Alertmanager's "zero time" for a firing alert in webhooks.
    static let zeroTimePrefix = "0001-01-01"

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
        let text = summary ?? titleAnnotation ?? labels["alertname"] ?? "alert"
        return text.utf8.count <= 1024 ? text : String(decoding: text.utf8.prefix(1024), as: UTF8.self)
    }

    var description: String? {
        descriptionAnnotation ?? message
    }

    var severity: Severity {
        labels["severity"].flatMap(Severity.init(lenient:)) ?? .error
    }

    /// The link to the rule's graph in Prometheus, when the alert names one.
    var sourceLinks: [SignalLink] {
        generatorURL.map { [SignalLink(href: $0, text: "source")] } ?? []
    }
}
