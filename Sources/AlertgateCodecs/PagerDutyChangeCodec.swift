import AlertgateCore

/// PagerDuty change events (`POST /v2/change/enqueue`): deploys and config changes, kept as
/// rollback candidates.
public struct PagerDutyChangeCodec: Sendable {
    public let integrations: [String: GatewayConfig.PagerDuty.Integration]

    public init(integrations: [String: GatewayConfig.PagerDuty.Integration] = [:]) {
        self.integrations = integrations
    }

    public func decode(_ body: [UInt8]) throws(CodecError) -> Signal {
        let event = try JSONObjectReader(try JSONValue.parse(body))
        guard let routingKey = try event.string("routing_key", maxBytes: 128), !routingKey.isEmpty else {
            throw .missing("routing_key")
        }
        let payload = try event.object("payload")
        guard let summary = try payload.string("summary", maxBytes: 1024), !summary.isEmpty else { throw .missing("payload.summary") }
        let source = try payload.string("source", maxBytes: 256)
        var labels = ["routing_key": routingKey]
        if let source { labels["source"] = source }
        return Signal(
            kind: .change, source: .pagerduty, status: .firing,
            service: integrations[routingKey]?.service ?? source ?? "unknown", title: summary,
            description: PagerDutyEventCodec.details(payload.fields["custom_details"]), severity: .info, labels: labels,
            occurredAt: try payload.time("timestamp"), links: try event.links("links"), sender: source)
    }
}
