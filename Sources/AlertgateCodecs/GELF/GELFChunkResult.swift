/// What the chunk assembler did with one datagram: the action the caller carries out.
public enum GELFChunkResult: Hashable, Sendable {
    /// The datagram completed its message: the payloads of all its chunks joined in sequence
    /// order. The payload is itself plain, gzip or zlib (see `GELFDatagram.messageBytes`).
    case complete([UInt8])
    /// The chunk is held until the rest of its message arrives or it expires.
    case pending
    /// The datagram was dropped, for the given reason.
    case rejected(GELFChunkDrop)
}
