import AlertgateCodecs
import AlertgateCore

/// One generic event (the JSON of `/api/v1/events`) a datagram, on port 5515 by default.
struct JSONDatagramDecoder: DatagramDecoder {
    let name = "json"
    let source = SignalSource.jsonDatagram
    let contentType = "application/json"
    private let codec = GenericEventCodec(.events)

    func decode(_ datagram: [UInt8], at now: Timestamp) -> DatagramOutcome {
        guard let batch = try? codec.decode(datagram, contentType: "application/json"),
              batch.signals.count == 1, batch.errors.isEmpty, var signal = batch.signals.first?.signal
        else {
            return .dropped(.invalid)
        }
        signal.source = .jsonDatagram
        return .signal(stored: datagram, signal)
    }
}
