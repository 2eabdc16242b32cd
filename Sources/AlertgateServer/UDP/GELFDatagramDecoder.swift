import AlertgateCodecs
import AlertgateCore
import AlertgateCompression

/// GELF 1.0/1.1 over UDP: plain, zlib, gzip and chunked datagrams. Chunks are reassembled
/// with bounded memory; what is kept for a signal is the whole message's JSON, after
/// reassembly and decompression.
struct GELFDatagramDecoder: DatagramDecoder {
    let name = "gelf"
    let source = SignalSource.gelf
    let contentType = "application/json"
    let maxLevel: Int
    /// The largest message accepted once reassembled and decompressed.
    let maxMessageBytes: Int
    private var assembler: GELFChunkAssembler
    /// `expired + evicted` of the assembler when last reported.
    private var incompleteCounted = 0
    private let codec = GELFCodec()

    init(maxLevel: Int, maxMessageBytes: Int = 8 << 20, maxOpenMessages: Int = 1024, maxOpenBytes: Int = 8 << 20) {
        self.maxLevel = maxLevel
        self.maxMessageBytes = maxMessageBytes
        assembler = GELFChunkAssembler(maxPendingMessages: maxOpenMessages, maxPendingBytes: maxOpenBytes, maxMessageBytes: maxMessageBytes)
    }

    mutating func decode(_ datagram: [UInt8], at now: Timestamp) -> DatagramOutcome {
        var payload = datagram
        if GELFDatagram.kind(of: datagram) == .chunk {
            switch assembler.add(datagram, at: now) {
            case .pending: return .pending
            case .rejected: return .dropped(.badChunk)
            case .complete(let joined): payload = joined
            }
        }
        let limit = maxMessageBytes
        guard let json = try? GELFDatagram.messageBytes(payload, inflate: { bytes, gzip in
                  try Zlib.decompress(bytes, format: gzip ? .gzip : .zlib, limit: limit)
              }),
              let signal = try? codec.decode(json)
        else {
            return .dropped(.invalid)
        }
        if let level = Int(signal.labels["level"] ?? ""), level > maxLevel { return .dropped(.level) }
        return .signal(stored: json, signal)
    }

    /// `stored` is the message's JSON, already joined and inflated.
    var storedDecoder: @Sendable (_ stored: [UInt8], _ at: Timestamp) -> Signal? {
        { [codec] stored, _ in try? codec.decode(stored) }
    }

    /// Partial messages past GELF's 5 s, and those evicted to keep memory bounded.
    mutating func expire(now: Timestamp) -> Int {
        _ = assembler.expire(now: now)
        // The assembler's running totals also hold the messages it dropped while adding.
        let total = assembler.expired + assembler.evicted
        defer { incompleteCounted = total }
        return total - incompleteCounted
    }
}
