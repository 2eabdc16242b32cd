import AlertgateCore

/// Turns the datagrams of one UDP listener into signals. Owned by the listener's consumer
/// task, so it may keep state (GELF chunk reassembly) without locks.
protocol DatagramDecoder: Sendable {
    /// The listener's name in stats and metrics: `syslog`, `gelf`, `json`.
    var name: String { get }
    var source: SignalSource { get }
    /// What one datagram is, when served alone from `/api/v1/signals/{id}/raw`.
    var contentType: String { get }

    /// One datagram: a signal with the bytes to keep for it, nothing yet (a chunk of a longer
    /// message), or a drop with its cause.
    mutating func decode(_ datagram: [UInt8], at now: Timestamp) -> DatagramOutcome

    /// Forgets partial messages too old to complete; returns how many were dropped.
    mutating func expire(now: Timestamp) -> Int

    /// What makes this datagram a repeat of another, read from its bytes without decoding it;
    /// nil when only decoding can tell. Given only when it is exactly the key `ReceiptFolding`
    /// would take from the decoded signal, and decoding would succeed.
    func repeatKey(_ datagram: [UInt8]) -> ReceiptFolding.Key?

    /// Decodes again the bytes this decoder kept (`DatagramOutcome.signal`'s `stored`): for a
    /// repeat folded on receipt that has to be placed on its own after all. Holds no state of
    /// the decoder's (such as GELF's partial messages), so a stored batch may keep it.
    var storedDecoder: @Sendable (_ stored: [UInt8], _ at: Timestamp) -> Signal? { get }
}

extension DatagramDecoder {
    mutating func expire(now: Timestamp) -> Int { 0 }
    func repeatKey(_ datagram: [UInt8]) -> ReceiptFolding.Key? { nil }
}

/// What became of one datagram.
enum DatagramOutcome: Sendable {
    /// `stored` is what is kept: the datagram itself, or a whole reassembled message.
    case signal(stored: [UInt8], Signal)
    case pending
    case dropped(UDPStats.DropCause)
}
