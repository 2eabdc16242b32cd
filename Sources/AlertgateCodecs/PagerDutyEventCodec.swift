import AlertgateCore

/// PagerDuty Events API v2 (`POST /v2/enqueue`): `trigger`, `acknowledge` and `resolve` by
/// `dedup_key`, with PagerDuty's required fields and severities.
public struct PagerDutyEventCodec: Sendable {
    /// One decoded event: its signal and the dedup key to answer with.
    public struct Event: Sendable {
        public var signal: Signal
        public var dedupKey: String
        public var routingKey: String
    }

    public static let maxSummaryBytes = 1024
    public static let maxDedupKeyBytes = 255

    /// Integrations by routing key (their default service).
    public let integrations: [String: GatewayConfig.PagerDuty.Integration]

    public init(integrations: [String: GatewayConfig.PagerDuty.Integration] = [:]) {
        self.integrations = integrations
    }

    /// Decodes one event. `newKey` makes the dedup key of a trigger that has none, as
    /// PagerDuty does; stored payloads decoded again pass a constant.
    public func decode(_ body: [UInt8], newKey: () -> String) throws(CodecError) -> Event {
        let event = try JSONObjectReader(try JSONValue.parse(body))
        guard let routingKey = try event.string("routing_key", maxBytes: 128), !routingKey.isEmpty else {
            throw .missing("routing_key")
        }
        guard let action = try event.string("event_action", maxBytes: 32) else { throw .missing("event_action") }
        let status: SignalStatus
        switch action {
        case "trigger": status = .firing
        case "acknowledge": status = .acknowledged
        case "resolve": status = .resolved
        default: throw .invalidValue("event_action", "must be trigger, acknowledge or resolve, got \"\(action.prefix(32))\"")
        }
        let givenKey = try event.string("dedup_key", maxBytes: Self.maxDedupKeyBytes).flatMap { $0.isEmpty ? nil : $0 }
        if status != .firing, givenKey == nil { throw .missing("dedup_key") }
        let dedupKey = givenKey ?? newKey()
        let integration = integrations[routingKey]

        guard status == .firing else {
            // acknowledge and resolve carry only the key; the payload is optional.
            let payload = event.fields["payload"].flatMap { try? JSONObjectReader($0, path: "payload") }
            let summary = try payload?.string("summary", maxBytes: Self.maxSummaryBytes)
            let component = try payload?.string("component", maxBytes: 256)
            let source = try payload?.string("source", maxBytes: 256)
            let service = integration?.service ?? component ?? source ?? "unknown"
            let signal = Signal(
                kind: .alert, source: .pagerduty, status: status, service: service,
                title: summary ?? "\(action) \(dedupKey)", severity: .info, labels: ["routing_key": routingKey],
                dedupKey: dedupKey, sender: try event.string("client", maxBytes: 256) ?? "pagerduty")
            return Event(signal: signal, dedupKey: dedupKey, routingKey: routingKey)
        }

        let payload = try event.object("payload")
        guard let summary = try payload.string("summary", maxBytes: Self.maxSummaryBytes), !summary.isEmpty else {
            throw .missing("payload.summary")
        }
        guard let source = try payload.string("source", maxBytes: 256), !source.isEmpty else { throw .missing("payload.source") }
        guard let severityText = try payload.string("severity", maxBytes: 32) else { throw .missing("payload.severity") }
        guard let severity = Severity(rawValue: severityText) else {
            throw .invalidValue("payload.severity", "must be one of critical, error, warning, info, got \"\(severityText.prefix(32))\"")
        }
        let component = try payload.string("component", maxBytes: 256)
        var labels: [String: String] = ["routing_key": routingKey, "source": source]
        for key in ["component", "group", "class"] {
            if let value = try payload.string(key, maxBytes: 256) { labels[key] = value }
        }
        var links = try event.links("links")
        if let clientURL = try event.string("client_url", maxBytes: 2048) {
            links.append(SignalLink(href: clientURL, text: try event.string("client", maxBytes: 256)))
        }
        let signal = Signal(
            kind: .alert, source: .pagerduty, status: .firing,
            service: integration?.service ?? component ?? source, title: summary,
            description: Self.details(payload.fields["custom_details"]), severity: severity, labels: labels,
            dedupKey: dedupKey, occurredAt: try payload.time("timestamp"), links: links,
            sender: try event.string("client", maxBytes: 256) ?? source)
        return Event(signal: signal, dedupKey: dedupKey, routingKey: routingKey)
    }

    /// `custom_details` as text: a string as it is, anything else as compact JSON.
    static func details(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return String(text.prefix(16 * 1024))
        case let other?: return String(other.jsonText.prefix(16 * 1024))
        }
    }
}
