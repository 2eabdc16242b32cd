import AlertgateCore

/// Where a webhook alert's own members (`status`, `fingerprint`, Grafana's `valueString` and
/// links) are read from: the parsed alert's `JSONObjectReader`, or what the direct reader
/// found (`ScannedWebhookMembers`). `AlertmanagerWebhookCodec` reads and checks them through
/// this, in one order, so both give the same signal or the same error.
protocol AlertmanagerWebhookMembers {
    /// A string member; absent or null gives nil. Longer than `maxBytes` is an error.
    func string(_ key: String, maxBytes: Int) throws(CodecError) -> String?
    /// The member's dotted path, for errors.
    func name(_ key: String) -> String
}

extension JSONObjectReader: AlertmanagerWebhookMembers {}

/// A webhook alert's own members as `AlertmanagerAlertScanner` passed them: strings (or
/// null), each given once. Any other value leaves the alert to the parsed path.
struct ScannedWebhookMembers: AlertmanagerWebhookMembers {
    /// The alert's place in `alerts`.
    let index: Int
    var status: String?
    var fingerprint: String?
    var valueString: String?
    var dashboardURL: String?
    var panelURL: String?
    var silenceURL: String?

    enum Member: UInt8 {
        case status, fingerprint, valueString, dashboardURL, panelURL, silenceURL

        var path: WritableKeyPath<ScannedWebhookMembers, String?> {
            switch self {
            case .status: \.status
            case .fingerprint: \.fingerprint
            case .valueString: \.valueString
            case .dashboardURL: \.dashboardURL
            case .panelURL: \.panelURL
            case .silenceURL: \.silenceURL
            }
        }
    }

    /// The member a name stands for, of those the sender's alerts have.
    static func member(_ name: JSONCursor.StringToken, _ cursor: borrowing JSONCursor, grafana: Bool) -> Member? {
        if cursor.matches(name, "status") { return .status }
        if cursor.matches(name, "fingerprint") { return .fingerprint }
        guard grafana else { return nil }
        if cursor.matches(name, "valueString") { return .valueString }
        if cursor.matches(name, "dashboardURL") { return .dashboardURL }
        if cursor.matches(name, "panelURL") { return .panelURL }
        if cursor.matches(name, "silenceURL") { return .silenceURL }
        return nil
    }

    func string(_ key: String, maxBytes: Int) throws(CodecError) -> String? {
        let value: String? = switch key {
        case "status": status
        case "fingerprint": fingerprint
        case "valueString": valueString
        case "dashboardURL": dashboardURL
        case "panelURL": panelURL
        case "silenceURL": silenceURL
        default: nil
        }
        guard let value else { return nil }
        guard value.utf8.count <= maxBytes else { throw .tooLong(name(key), limit: maxBytes) }
        return value
    }

    func name(_ key: String) -> String { "alerts[\(index)].\(key)" }
}
