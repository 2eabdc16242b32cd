import AlertgateCore

/// Decodes a stored payload again by the source it came through, to show normalized signals.
/// The stored bytes are the truth; normalized values are derived from them.
public enum PayloadDecoder {
    public static func decode(_ payload: RawPayload, config: GatewayConfig = GatewayConfig()) throws(CodecError) -> DecodedBatch {
        let pagerDuty = config.pagerduty.integrations
        let contentType = payload.contentType.isEmpty ? nil : payload.contentType
        if payload.contentType == DatagramFrames.contentType {
            return try datagrams(payload, config: config)
        }
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
        case .checkly:
            return DecodedBatch(signals: [(0, try ChecklyCodec(catalog: config.policy.catalog).decode(payload.bytes))])
        case .zendesk, .intercom, .freshdesk:
            let tool = SupportDeskCodec.Tool(rawValue: payload.source.rawValue)!
            return DecodedBatch(signals: try SupportDeskCodec(tool).decode(payload.bytes).map { [(0, $0)] } ?? [])
        case .statusPage:
            // The form as a browser posted it: its report is the signal stored with it.
            throw CodecError(code: "not_decoded_again", message: "a status page form is kept as posted and not decoded again")
        case .heartbeat: return DecodedBatch(signals: [(0, try HeartbeatRecord.decode(payload.bytes))])
        case .otlp:
            return try OTLPTraceCodec(slowSpanThresholds: config.otlp.slowSpanThresholds).decodedBatch(body: payload.bytes, contentType: contentType)
        case .syslog:
            return DecodedBatch(signals: [(0, try SyslogCodec(services: config.syslog.services).decode(payload.bytes, receivedAt: payload.receivedAt))])
        }
    }

    /// A batch of datagrams from a UDP listener, one signal a frame.
    static func datagrams(_ payload: RawPayload, config: GatewayConfig) throws(CodecError) -> DecodedBatch {
        guard let frames = DatagramFrames.decode(payload.bytes) else {
            throw CodecError(code: "corrupt_payload", message: "the stored datagrams do not unframe")
        }
        var batch = DecodedBatch()
        for (item, frame) in frames.enumerated() {
            do throws(CodecError) {
                var signal: Signal
                switch payload.source {
                case .syslog: signal = try SyslogCodec(services: config.syslog.services).decode(frame, receivedAt: payload.receivedAt)
                case .gelf: signal = try GELFCodec().decode(frame)
                default:
                    let decoded = try GenericEventCodec(.events).decode(frame, contentType: "application/json")
                    guard let first = decoded.signals.first?.signal else { throw CodecError(code: "empty_body", message: "no event") }
                    signal = first
                }
                signal.source = payload.source
                batch.signals.append((item, signal))
            } catch {
                batch.errors.append(error.at(item))
            }
        }
        return batch
    }
}
