import AlertgateCore

/// The chunks of one message that have arrived so far.
struct GELFPartialMessage: Sendable {
    /// When the first chunk arrived: the message expires a timeout after this.
    let firstArrival: Timestamp
    /// The assembler's arrival counter when the first chunk came: orders eviction.
    let serial: UInt64
    /// The sequence count every chunk of the message must repeat.
    let sequenceCount: Int
    /// Payload pieces by sequence number; nil until that chunk arrives.
    private var pieces: [[UInt8]?]
    /// How many pieces are held.
    private(set) var received = 0
    /// Payload bytes held.
    private(set) var bytes = 0

    init(firstArrival: Timestamp, serial: UInt64, sequenceCount: Int) {
        self.firstArrival = firstArrival
        self.serial = serial
        self.sequenceCount = sequenceCount
        self.pieces = Array(repeating: nil, count: sequenceCount)
    }

    /// Whether the piece at `sequenceNumber` is already held.
    func holds(_ sequenceNumber: Int) -> Bool {
        pieces[sequenceNumber] != nil
    }

    /// Whether the next new piece completes the message.
    var lacksOnlyOne: Bool { received == sequenceCount - 1 }

    /// Keeps `payload` as the piece at `sequenceNumber`, which must not be held yet.
    mutating func hold(_ payload: ArraySlice<UInt8>, at sequenceNumber: Int) {
        precondition(pieces[sequenceNumber] == nil, "a held piece is never replaced")
        pieces[sequenceNumber] = Array(payload)
        received += 1
        bytes += payload.count
    }

    /// The pieces joined in sequence order, with `last` at `sequenceNumber` (the one
    /// missing piece, passed here so it is never copied into the held state).
    func joined(adding last: ArraySlice<UInt8>, at sequenceNumber: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes + last.count)
        for index in 0..<sequenceCount {
            if index == sequenceNumber {
                out.append(contentsOf: last)
            } else if let piece = pieces[index] {
                out.append(contentsOf: piece)
            }
        }
        return out
    }
}
