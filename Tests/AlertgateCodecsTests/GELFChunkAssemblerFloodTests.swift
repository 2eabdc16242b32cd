import AlertgateCodecs
import AlertgateCore
import Testing

/// The chunk assembler under hostile traffic: floods of partial messages with random ids and
/// random, truncated or bit-flipped datagrams. Nothing crashes and memory stays bounded.
@Suite struct GELFChunkAssemblerFloodTests {
    static let t0 = GELFChunkAssemblerTests.t0

    /// The highest pending counts seen while feeding `datagrams`.
    struct Peaks {
        var messages = 0
        var bytes = 0

        mutating func observe(_ assembler: GELFChunkAssembler) {
            messages = max(messages, assembler.pendingMessages)
            bytes = max(bytes, assembler.pendingBytes)
        }
    }

    /// 100k first-or-middle chunks of messages that never complete, random ids and sizes.
    static func flood(into assembler: inout GELFChunkAssembler, seed: UInt64, maxPiece: Int, peaks: inout Peaks) {
        var generator = GELFChunkTestGenerator(seed: seed)
        for index in 0..<100_000 {
            let count = Int.random(in: 2...128, using: &generator)
            let sequence = Int.random(in: 0..<count, using: &generator)
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: Int.random(in: 0...maxPiece, using: &generator))
            let datagram = GELFChunkAssemblerTests.chunk(generator.next(), sequence, of: count, payload)
            let result = assembler.add(datagram, at: t0 + .milliseconds(Int64(index / 100)))
            if result != .pending {
                Issue.record("flood chunk \(index) gave \(result)")
                return
            }
            peaks.observe(assembler)
        }
    }

    @Test func aFloodWithDefaultBoundsStaysWithinThem() {
        var assembler = GELFChunkAssembler()
        var peaks = Peaks()
        Self.flood(into: &assembler, seed: 1, maxPiece: 1420, peaks: &peaks)
        #expect(peaks.messages == assembler.maxPendingMessages)
        #expect(peaks.bytes <= assembler.maxPendingBytes)
        #expect(assembler.evicted == 100_000 - assembler.pendingMessages)

        let real = GELFChunkAssemblerTests.message(0x5EA1, pieces: 3, pieceSize: 1420)
        let later = Self.t0 + .seconds(1)
        #expect(assembler.add(real.chunks[2], at: later) == .pending)
        #expect(assembler.add(real.chunks[0], at: later) == .pending)
        #expect(assembler.add(real.chunks[1], at: later) == .complete(real.joined))
    }

    @Test func aFloodWithATightByteBoundStaysWithinIt() {
        var assembler = GELFChunkAssembler(maxPendingBytes: 64 * 1024, maxMessageBytes: 16 * 1024)
        var peaks = Peaks()
        Self.flood(into: &assembler, seed: 2, maxPiece: 1420, peaks: &peaks)
        #expect(peaks.messages <= assembler.maxPendingMessages)
        #expect(peaks.bytes <= 64 * 1024)
        #expect(peaks.bytes > 60 * 1024, "the byte bound, not the count, was what held")
        #expect(assembler.pendingMessages < 200)

        let real = GELFChunkAssemblerTests.message(0x5EA2, pieces: 8, pieceSize: 1420)
        let results = real.chunks.shuffled().map { assembler.add($0, at: Self.t0 + .seconds(2)) }
        #expect(results.last == .complete(real.joined))
        #expect(assembler.pendingBytes <= 64 * 1024)
    }

    @Test func aRealMessageSurvivesAFloodAroundItsChunks() {
        var assembler = GELFChunkAssembler()
        var generator = GELFChunkTestGenerator(seed: 3)
        func junk(_ count: Int, at now: Timestamp) {
            for _ in 0..<count {
                _ = assembler.add(GELFChunkAssemblerTests.chunk(generator.next(), 0, of: 2, generator.bytes(64)), at: now)
            }
        }
        let real = GELFChunkAssemblerTests.message(0x5EA3, pieces: 4, pieceSize: 500)
        junk(5000, at: Self.t0)
        var results: [GELFChunkResult] = []
        for (offset, chunk) in real.chunks.enumerated() {
            results.append(assembler.add(chunk, at: Self.t0 + .milliseconds(Int64(offset))))
            // Fewer other partial messages than the bound arrive from its first chunk to its last.
            junk(offset < 3 ? 340 : 0, at: Self.t0 + .milliseconds(Int64(offset)))
        }
        #expect(results == [.pending, .pending, .pending, .complete(real.joined)])

        // More than the bound between its first and last chunk: its first chunks are evicted.
        let slow = GELFChunkAssemblerTests.message(0x5EA4, pieces: 2, pieceSize: 10)
        #expect(assembler.add(slow.chunks[0], at: Self.t0) == .pending)
        junk(assembler.maxPendingMessages, at: Self.t0)
        #expect(assembler.add(slow.chunks[1], at: Self.t0) == .pending)
    }

    @Test func expiryEmptiesAFloodedAssembler() {
        var assembler = GELFChunkAssembler()
        var generator = GELFChunkTestGenerator(seed: 4)
        for index in 0..<5000 {
            _ = assembler.add(GELFChunkAssemblerTests.chunk(generator.next(), 0, of: 3, [1, 2]), at: Self.t0 + .milliseconds(Int64(index)))
        }
        // Held: the last 1024, first chunks at t0+3976ms ... t0+4999ms.
        #expect(assembler.expire(now: Self.t0 + .milliseconds(8976)) == 0)
        #expect(assembler.expire(now: Self.t0 + .milliseconds(9476)) == 500)
        #expect(assembler.expire(now: Self.t0 + .seconds(60)) == 524)
        #expect(assembler.pendingMessages == 0 && assembler.pendingBytes == 0)
        #expect(assembler.evicted + assembler.expired == 5000)
    }

    @Test func randomTruncatedAndFlippedDatagramsNeverCrash() {
        var generator = GELFChunkTestGenerator(seed: 5)
        var assembler = GELFChunkAssembler(maxPendingMessages: 64, maxPendingBytes: 32 * 1024, maxMessageBytes: 8 * 1024)
        var peaks = Peaks()
        let real = GELFChunkAssemblerTests.message(0x5EA5, pieces: 6, pieceSize: 300)
        for round in 0..<20_000 {
            let now = Self.t0 + .milliseconds(Int64(round))
            var datagram: [UInt8]
            switch round % 4 {
            case 0:
                datagram = generator.bytes(Int.random(in: 0...40, using: &generator))
                if Bool.random(using: &generator) { datagram.replaceSubrange(0..<min(2, datagram.count), with: GELFChunkHeader.magic) }
            case 1:
                let chunk = real.chunks.randomElement(using: &generator)!
                datagram = Array(chunk.prefix(Int.random(in: 0...chunk.count, using: &generator)))
            default:
                datagram = real.chunks.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let bit = Int.random(in: 0..<(datagram.count * 8), using: &generator)
                    datagram[bit / 8] ^= 1 << UInt8(bit % 8)
                }
            }
            if case .complete(let joined) = assembler.add(datagram, at: now) {
                #expect(joined.count <= assembler.maxMessageBytes)
            }
            peaks.observe(assembler)
            if round % 1000 == 999 { _ = assembler.expire(now: now) }
        }
        #expect(peaks.messages <= 64 && peaks.bytes <= 32 * 1024)

        // Still works afterwards.
        let fresh = GELFChunkAssemblerTests.message(0x5EA6, pieces: 3)
        let later = Self.t0 + .seconds(100)
        #expect(fresh.chunks.map { assembler.add($0, at: later) } == [.pending, .pending, .complete(fresh.joined)])
    }
}
