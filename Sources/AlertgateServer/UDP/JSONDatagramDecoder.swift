import AlertgateCodecs
import AlertgateCore

/// One generic event (the JSON of `/api/v1/events`) a datagram, on port 5515 by default.
struct JSONDatagramDecoder: DatagramDecoder {
    let name = "json"
    let source = SignalSource.jsonDatagram
    let contentType = "application/json"
    private let codec = GenericEventCodec(.events)

    func decode(_ datagram: [UInt8], at now: Timestamp) -> DatagramOutcome {
        guard let signal = Self.signal(datagram, codec) else { return .dropped(.invalid) }
        return .signal(stored: datagram, signal)
    }

    /// The datagram is what is kept.
    var storedDecoder: @Sendable (_ stored: [UInt8], _ at: Timestamp) -> Signal? {
        { [codec] stored, _ in Self.signal(stored, codec) }
    }

    private static func signal(_ datagram: [UInt8], _ codec: GenericEventCodec) -> Signal? {
        guard let batch = try? codec.decode(datagram, contentType: "application/json"),
              batch.signals.count == 1, batch.errors.isEmpty, var signal = batch.signals.first?.signal
        else {
            return nil
        }
        signal.source = .jsonDatagram
        return signal
    }
}
