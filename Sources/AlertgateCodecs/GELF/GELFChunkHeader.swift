/// The 12-byte header of a chunked GELF datagram: magic `0x1e 0x0f`, an 8-byte message id,
/// the sequence number (from 0) and the sequence count (1...128); the payload piece follows.
public struct GELFChunkHeader: Hashable, Sendable {
    /// The chunk magic, the first two bytes of every chunk.
    public static let magic: [UInt8] = [0x1E, 0x0F]
    /// Bytes before the payload piece.
    public static let size = 12
    /// The most chunks one message may have.
    public static let maxSequenceCount = 128

    /// The message id: opaque bytes, read big-endian only to serve as a key.
    public var messageID: UInt64
    /// This chunk's position, from 0.
    public var sequenceNumber: Int
    /// How many chunks the message has.
    public var sequenceCount: Int

    public init(messageID: UInt64, sequenceNumber: Int, sequenceCount: Int) {
        self.messageID = messageID
        self.sequenceNumber = sequenceNumber
        self.sequenceCount = sequenceCount
    }

    /// Whether `bytes` start with the chunk magic.
    public static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
    }

    /// Reads the header of `datagram`, or says why it is not a usable chunk.
    public static func parse(_ datagram: [UInt8]) -> Result<GELFChunkHeader, GELFChunkDrop> {
        guard datagram.count >= size, hasMagic(datagram) else { return .failure(.badHeader) }
        var id: UInt64 = 0
        for index in 2..<10 {
            id = id << 8 | UInt64(datagram[index])
        }
        let header = GELFChunkHeader(messageID: id, sequenceNumber: Int(datagram[10]), sequenceCount: Int(datagram[11]))
        guard (1...maxSequenceCount).contains(header.sequenceCount) else { return .failure(.tooManyChunks) }
        guard header.sequenceNumber < header.sequenceCount else { return .failure(.sequenceOutOfRange) }
        return .success(header)
    }

    /// The bytes of this header, for tests and senders.
    public var bytes: [UInt8] {
        var out = Self.magic
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: messageID >> UInt64(shift)))
        }
        out.append(UInt8(truncatingIfNeeded: sequenceNumber))
        out.append(UInt8(truncatingIfNeeded: sequenceCount))
        return out
    }
}
