import AlertgateCodecs
import AlertgateCore

/// Decodes a stored payload again to show the normalized signal at one position. The stored
/// bytes are the truth; normalized values are derived from them.
enum SignalNormalizer {
    static func signal(in payload: RawPayload, item: Int) -> Signal? {
        let flavor: GenericEventCodec.Flavor
        switch payload.source {
        case .events, .jsonDatagram: flavor = .events
        case .reports: flavor = .reports
        case .changes: flavor = .changes
        default: return nil
        }
        guard let batch = try? GenericEventCodec(flavor).decode(payload.bytes, contentType: payload.contentType) else { return nil }
        return batch.signals.first(where: { $0.item == item })?.signal
    }
}
