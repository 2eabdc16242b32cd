/// Why the chunk assembler refused a datagram. Each case is a drop the UDP listener counts
/// under its own metric; none of them is fatal to the messages already held.
public enum GELFChunkDrop: Error, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Shorter than the 12-byte chunk header, or without the `0x1e 0x0f` magic.
    case badHeader
    /// The sequence count is 0 or more than 128.
    case tooManyChunks
    /// The sequence number is not below the sequence count.
    case sequenceOutOfRange
    /// A chunk gives another sequence count than the chunks of its message already held.
    case countMismatch
    /// The chunk is already held, or belongs to a message completed moments ago: UDP may
    /// deliver a datagram twice, so this is ignored and changes nothing.
    case duplicate
    /// The chunk does not fit in the memory bounds even after evicting every other partial
    /// message (only possible when `maxMessageBytes` is above `maxPendingBytes`).
    case overLimit
    /// The message's chunks add up to more than `maxMessageBytes`; what was held is dropped.
    case messageTooLarge

    /// A stable name for metrics and logs, e.g. `sequence_out_of_range`.
    public var code: String {
        switch self {
        case .badHeader: "bad_header"
        case .tooManyChunks: "too_many_chunks"
        case .sequenceOutOfRange: "sequence_out_of_range"
        case .countMismatch: "count_mismatch"
        case .duplicate: "duplicate"
        case .overLimit: "over_limit"
        case .messageTooLarge: "message_too_large"
        }
    }

    public var description: String { code }
}
