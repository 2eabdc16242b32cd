import AlertgateCore

/// The Alertmanager webhook (version "4") and Grafana's alerting webhook, which shares its
/// core. Each alert keeps the sender's `fingerprint` as its identity.
///
/// Webhooks are sent again only every `repeat_interval` (hours), and say "resolved" when an
/// alert ends, so a firing webhook alert does not time out after `resolve_timeout`: it stays
/// firing until its resolved notification, or `silenceAfter` without any notification.
public struct AlertmanagerWebhookCodec: Sendable {
    public enum Sender: Sendable {
        case alertmanager, grafana

        var source: SignalSource { self == .alertmanager ? .alertmanagerWebhook : .grafana }
    }

    public static let maxAlerts = 10_000
    /// How long a firing webhook alert lives without any further notification.
    public static let silenceAfter: Duration = .seconds(24 * 3600)

    public let sender: Sender

    public init(_ sender: Sender) {
        self.sender = sender
    }

    /// Decodes a body: straight from the bytes (`AlertmanagerWebhookCodec+Direct.swift`)
    /// when its top level is plain, as Alertmanager and Grafana send it; else through a
    /// `JSONValue` tree of the whole body, which defines the errors.
    public func decode(_ body: [UInt8], receivedAt: Timestamp) throws(CodecError) -> DecodedBatch {
        guard let direct = try decodeDirect(body, receivedAt: receivedAt) else {
            return try decode(tree: JSONValue.parse(body), receivedAt: receivedAt)
        }
        return direct
    }

    func decode(tree: JSONValue, receivedAt: Timestamp) throws(CodecError) -> DecodedBatch {
        let top = try JSONObjectReader(tree)
        if sender == .alertmanager, let version = try top.string("version", maxBytes: 16) { try Self.check(version: version) }
        guard case .array(let items)? = top.fields["alerts"] else {
            if top.fields["alerts"] == nil { throw .missing("alerts") }
            throw .wrongType("alerts", expected: "an array of alerts")
        }
        try Self.check(count: items.count)
        let receiver = try top.string("receiver", maxBytes: 1024)
        var batch = DecodedBatch()
        for (index, item) in items.enumerated() {
            do throws(CodecError) {
                batch.signals.append((index, try signal(from: item, index: index, receiver: receiver, receivedAt: receivedAt)))
            } catch {
                batch.errors.append(error.at(index))
            }
        }
        return batch
    }

    static func check(version: String) throws(CodecError) {
        guard version == "4" else {
            throw .invalidValue("version", "must be \"4\" (the Alertmanager webhook version this endpoint speaks), got \"\(version)\"")
        }
    }

    static func check(count: Int) throws(CodecError) {
        guard count <= maxAlerts else {
            throw CodecError(code: "too_many_items", message: "a body may hold at most \(maxAlerts) alerts", field: "alerts", limit: "batch_items")
        }
        guard count > 0 else { throw CodecError(code: "empty_body", message: "`alerts` is empty", field: "alerts") }
    }

    func signal(from value: JSONValue, index: Int, receiver: String?, receivedAt: Timestamp) throws(CodecError) -> Signal {
        let read = try AlertmanagerAlertReader(value, path: "alerts[\(index)]")
        return try signal(read.alert, members: read.reader, receiver: receiver, receivedAt: receivedAt)
    }

    /// The signal of one alert whose shared parts are read, its own members still to read
    /// and check, in this order.
    func signal(_ alert: AlertmanagerAlert, members: some AlertmanagerWebhookMembers, receiver: String?, receivedAt: Timestamp) throws(CodecError) -> Signal {
        let statusText = try members.string("status", maxBytes: 32) ?? "firing"
        guard let status = SignalStatus(rawValue: statusText), status != .acknowledged else {
            throw .invalidValue(members.name("status"), "must be firing or resolved, got \"\(statusText)\"")
        }
        let fingerprint: Fingerprint
        if let given = try members.string("fingerprint", maxBytes: 64), !given.isEmpty {
            guard given.utf8.allSatisfy({ $0 < 128 && Character(Unicode.Scalar($0)).isHexDigit }) else {
                throw .invalidValue(members.name("fingerprint"), "must be hex digits, got \"\(given.prefix(64))\"")
            }
            fingerprint = Fingerprint(given.lowercased())
        } else {
            fingerprint = .labels(alert.labels)
        }
        var description = alert.description
        var links = alert.sourceLinks
        if sender == .grafana {
            if let valueString = try members.string("valueString", maxBytes: 16 * 1024), !valueString.isEmpty {
                description = [description, "Values: \(valueString)"].compactMap { $0 }.joined(separator: "\n")
            }
            for (key, text) in [("dashboardURL", "dashboard"), ("panelURL", "panel"), ("silenceURL", "silence")] {
                if let href = try? members.string(key, maxBytes: 4096), !href.isEmpty { links.append(SignalLink(href: href, text: text)) }
            }
        }
        return Signal(
            kind: .alert, source: sender.source, status: status, service: alert.service, title: alert.title,
            description: description, severity: alert.severity, labels: alert.labels,
            occurredAt: status == .resolved ? (alert.endsAt ?? receivedAt) : nil,
            links: links, sender: receiver,
            endsAt: status == .firing ? receivedAt + Self.silenceAfter : nil,
            fingerprint: fingerprint)
    }
}
