import AlertgateCore

/// Decodes a stored payload again by the source it came through, to show normalized signals.
/// The stored bytes are the truth; normalized values are derived from them.
public enum PayloadDecoder {
    public static func decode(_ payload: RawPayload, config: GatewayConfig = GatewayConfig()) throws(CodecError) -> DecodedBatch {
        let pagerDuty = config.pagerduty.integrations
        let contentType = payload.contentType.isEmpty ? nil : payload.contentType
        switch payload.source {
        case .events, .jsonDatagram: return try GenericEventCodec(.events).decode(payload.bytes, contentType: contentType)
        case .reports: return try GenericEventCodec(.reports).decode(payload.bytes, contentType: contentType)
        case .changes: return try GenericEventCodec(.changes).decode(payload.bytes, contentType: contentType)
        case .alertmanagerAPI: return try AlertmanagerAPICodec().decode(payload.bytes, receivedAt: payload.receivedAt)
        case .alertmanagerWebhook: return try AlertmanagerWebhookCodec(.alertmanager).decode(payload.bytes, receivedAt: payload.receivedAt)
        case .grafana: return try AlertmanagerWebhookCodec(.grafana).decode(payload.bytes, receivedAt: payload.receivedAt)
        case .pagerduty:
            if let event = try? PagerDutyEventCodec(integrations: pagerDuty).decode(payload.bytes, newKey: { "" }) {
                return DecodedBatch(signals: [(0, event.signal)])
            }
            return DecodedBatch(signals: [(0, try PagerDutyChangeCodec(integrations: pagerDuty).decode(payload.bytes))])
        case .gelf: return DecodedBatch(signals: [(0, try GELFCodec().decode(payload.bytes))])
        case .otlp:
            return try OTLPTraceCodec(slowSpanThresholds: config.otlp.slowSpanThresholds).decodedBatch(body: payload.bytes, contentType: contentType)
        case .syslog:
            throw CodecError(code: "not_decodable", message: "payloads of \(payload.source.rawValue) are not decoded again yet")
        }
    }
}
