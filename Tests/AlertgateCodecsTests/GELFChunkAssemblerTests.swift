import AlertgateCodecs
import AlertgateCore
import Testing

/// Reassembly of chunked GELF messages: order, duplicates, expiry, limits and bounded memory.
@Suite struct GELFChunkAssemblerTests {
    static let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    static func chunk(_ id: UInt64, _ sequence: Int, of count: Int, _ payload: [UInt8]) -> [UInt8] {
        GELFChunkHeader(messageID: id, sequenceNumber: sequence, sequenceCount: count).bytes + payload
    }

    /// A message of `count` pieces of distinct bytes, and its chunks in sequence order.
    static func message(_ id: UInt64, pieces count: Int, pieceSize: Int = 10) -> (joined: [UInt8], chunks: [[UInt8]]) {
        let pieces = (0..<count).map { index in (0..<pieceSize).map { UInt8(truncatingIfNeeded: index * 7 + $0) } }
        return (pieces.flatMap { $0 }, pieces.enumerated().map { chunk(id, $0.offset, of: count, $0.element) })
    }

    @Test func reassemblesChunksInOrder() {
        var assembler = GELFChunkAssembler()
        let (joined, chunks) = Self.message(0xA1, pieces: 3)
        #expect(assembler.add(chunks[0], at: Self.t0) == .pending)
        #expect(assembler.add(chunks[1], at: Self.t0) == .pending)
        #expect(assembler.pendingMessages == 1)
        #expect(assembler.pendingBytes == 20)
        #expect(assembler.add(chunks[2], at: Self.t0) == .complete(joined))
        #expect(assembler.pendingMessages == 0)
        #expect(assembler.pendingBytes == 0)
    }

    @Test func reassemblesChunksInEveryOrder() {
        let (joined, chunks) = Self.message(0xB2, pieces: 4)
        func permutations(_ items: [Int]) -> [[Int]] {
            items.count <= 1 ? [items] : items.indices.flatMap { index in
                var rest = items
                let first = rest.remove(at: index)
                return permutations(rest).map { [first] + $0 }
            }
        }
        for order in permutations([0, 1, 2, 3]) {
            var assembler = GELFChunkAssembler()
            let results = order.map { assembler.add(chunks[$0], at: Self.t0) }
            #expect(results == [.pending, .pending, .pending, .complete(joined)], "order \(order)")
        }
    }

    @Test func interleavedMessagesStayApart() {
        var assembler = GELFChunkAssembler()
        let one = Self.message(1, pieces: 2, pieceSize: 3)
        let two = Self.message(2, pieces: 2, pieceSize: 5)
        #expect(assembler.add(one.chunks[1], at: Self.t0) == .pending)
        #expect(assembler.add(two.chunks[0], at: Self.t0) == .pending)
        #expect(assembler.add(one.chunks[0], at: Self.t0) == .complete(one.joined))
        #expect(assembler.add(two.chunks[1], at: Self.t0) == .complete(two.joined))
    }

    @Test func singleChunkMessageCompletesAtOnce() {
        var assembler = GELFChunkAssembler()
        #expect(assembler.add(Self.chunk(9, 0, of: 1, [1, 2, 3]), at: Self.t0) == .complete([1, 2, 3]))
        #expect(assembler.pendingMessages == 0)
    }

    @Test func duplicatesAreIgnored() {
        var assembler = GELFChunkAssembler()
        let (joined, chunks) = Self.message(0xC3, pieces: 3)
        #expect(assembler.add(chunks[1], at: Self.t0) == .pending)
        #expect(assembler.add(chunks[1], at: Self.t0) == .rejected(.duplicate))
        #expect(assembler.pendingBytes == 10)
        #expect(assembler.add(chunks[0], at: Self.t0) == .pending)
        #expect(assembler.add(chunks[0], at: Self.t0 + .milliseconds(3)) == .rejected(.duplicate))
        #expect(assembler.add(chunks[2], at: Self.t0) == .complete(joined))
        // After completion a late copy neither completes the message again nor opens a new one.
        #expect(assembler.add(chunks[2], at: Self.t0 + .seconds(1)) == .rejected(.duplicate))
        #expect(assembler.add(chunks[0], at: Self.t0 + .seconds(2)) == .rejected(.duplicate))
        #expect(assembler.pendingMessages == 0)
        #expect(assembler.evicted == 0 && assembler.expired == 0)
    }

    @Test func missingChunkExpiresAfterFiveSecondsNotBefore() {
        var assembler = GELFChunkAssembler()
        let (_, chunks) = Self.message(0xD4, pieces: 3)
        #expect(assembler.add(chunks[0], at: Self.t0) == .pending)
        #expect(assembler.add(chunks[1], at: Self.t0 + .seconds(4)) == .pending)
        #expect(assembler.expire(now: Self.t0 + .seconds(4)) == 0)
        #expect(assembler.expire(now: Self.t0 + .seconds(5)) == 0)
        #expect(assembler.pendingMessages == 1)
        #expect(assembler.expire(now: Self.t0 + .milliseconds(5001)) == 1)
        #expect(assembler.pendingMessages == 0)
        #expect(assembler.pendingBytes == 0)
        #expect(assembler.expired == 1)
        // The last chunk, too late, starts a new partial message rather than completing.
        #expect(assembler.add(chunks[2], at: Self.t0 + .milliseconds(5002)) == .pending)
        #expect(assembler.expire(now: Self.t0 + .seconds(11)) == 1)
    }

    @Test func lastChunkAtFiveSecondsCompletesAndLaterDoesNot() {
        let (joined, chunks) = Self.message(0xD5, pieces: 2)
        var onTime = GELFChunkAssembler()
        #expect(onTime.add(chunks[0], at: Self.t0) == .pending)
        #expect(onTime.add(chunks[1], at: Self.t0 + .seconds(5)) == .complete(joined))

        // Without a call to expire in between, a stale partial message is still not completed.
        var late = GELFChunkAssembler()
        #expect(late.add(chunks[0], at: Self.t0) == .pending)
        #expect(late.add(chunks[1], at: Self.t0 + .milliseconds(5001)) == .pending)
        #expect(late.expired == 1)
        #expect(late.pendingMessages == 1)
    }

    @Test func aCustomTimeoutIsHonored() {
        var assembler = GELFChunkAssembler(timeout: .milliseconds(200))
        #expect(assembler.add(Self.chunk(1, 0, of: 2, [0]), at: Self.t0) == .pending)
        #expect(assembler.expire(now: Self.t0 + .milliseconds(200)) == 0)
        #expect(assembler.expire(now: Self.t0 + .milliseconds(201)) == 1)
    }

    @Test func oneHundredTwentyEightChunksAreAcceptedAndMoreAreNot() {
        var assembler = GELFChunkAssembler()
        let (joined, chunks) = Self.message(0xE5, pieces: 128, pieceSize: 3)
        let results = chunks.reversed().map { assembler.add($0, at: Self.t0) }
        #expect(results.dropLast().allSatisfy { $0 == .pending })
        #expect(results.last == .complete(joined))
        #expect(assembler.add(Self.chunk(7, 0, of: 129, [1]), at: Self.t0) == .rejected(.tooManyChunks))
        #expect(assembler.add(Self.chunk(7, 128, of: 129, [1]), at: Self.t0) == .rejected(.tooManyChunks))
        #expect(assembler.add(Self.chunk(7, 0, of: 255, [1]), at: Self.t0) == .rejected(.tooManyChunks))
        #expect(assembler.add(Self.chunk(7, 0, of: 0, [1]), at: Self.t0) == .rejected(.tooManyChunks))
        #expect(assembler.pendingMessages == 0)
    }

    @Test func badHeadersAndSequenceNumbersAreRejected() {
        var assembler = GELFChunkAssembler()
        let valid = Self.chunk(0x0102_0304_0506_0708, 1, of: 3, [])
        #expect(valid.count == 12)
        #expect(GELFChunkHeader.parse(valid) == .success(GELFChunkHeader(messageID: 0x0102_0304_0506_0708, sequenceNumber: 1, sequenceCount: 3)))
        #expect(assembler.add([], at: Self.t0) == .rejected(.badHeader))
        #expect(assembler.add(Array(valid.prefix(11)), at: Self.t0) == .rejected(.badHeader))
        #expect(assembler.add([0x1E, 0x0E] + valid.dropFirst(2), at: Self.t0) == .rejected(.badHeader))
        #expect(assembler.add(Array(#"{"short_message":"x"}"#.utf8), at: Self.t0) == .rejected(.badHeader))
        #expect(assembler.add(Self.chunk(3, 3, of: 3, [1]), at: Self.t0) == .rejected(.sequenceOutOfRange))
        #expect(assembler.add(Self.chunk(3, 200, of: 3, [1]), at: Self.t0) == .rejected(.sequenceOutOfRange))
        #expect(assembler.add(valid, at: Self.t0) == .pending, "an empty piece is still a chunk")
    }

    @Test func aChunkWithAnotherCountIsRejected() {
        var assembler = GELFChunkAssembler()
        let (joined, chunks) = Self.message(0xF6, pieces: 3)
        #expect(assembler.add(chunks[0], at: Self.t0) == .pending)
        #expect(assembler.add(Self.chunk(0xF6, 1, of: 4, [9]), at: Self.t0) == .rejected(.countMismatch))
        #expect(assembler.add(Self.chunk(0xF6, 3, of: 4, [9]), at: Self.t0) == .rejected(.countMismatch))
        #expect(assembler.add(chunks[1], at: Self.t0) == .pending)
        #expect(assembler.add(chunks[2], at: Self.t0) == .complete(joined))
    }

    @Test func aMessageOverTheSizeLimitIsDropped() {
        var assembler = GELFChunkAssembler(maxMessageBytes: 100)
        let (_, chunks) = Self.message(0x17, pieces: 3, pieceSize: 40)
        #expect(assembler.add(chunks[0], at: Self.t0) == .pending)
        #expect(assembler.add(chunks[1], at: Self.t0) == .pending)
        #expect(assembler.add(chunks[2], at: Self.t0) == .rejected(.messageTooLarge))
        #expect(assembler.pendingMessages == 0 && assembler.pendingBytes == 0)
        #expect(assembler.add(Self.chunk(0x18, 0, of: 1, Array(repeating: 1, count: 101)), at: Self.t0) == .rejected(.messageTooLarge))
        #expect(assembler.add(Self.chunk(0x19, 0, of: 2, Array(repeating: 1, count: 101)), at: Self.t0) == .rejected(.messageTooLarge))
        let exact = Self.message(0x20, pieces: 2, pieceSize: 50)
        #expect(assembler.add(exact.chunks[1], at: Self.t0) == .pending)
        #expect(assembler.add(exact.chunks[0], at: Self.t0) == .complete(exact.joined))
    }

    @Test func aChunkThatCanNeverFitEvictsNothing() {
        // Only when maxMessageBytes is above maxPendingBytes.
        var assembler = GELFChunkAssembler(maxPendingBytes: 100, maxMessageBytes: 1000)
        #expect(assembler.add(Self.chunk(1, 0, of: 3, Array(repeating: 1, count: 60)), at: Self.t0) == .pending)
        #expect(assembler.add(Self.chunk(2, 0, of: 3, Array(repeating: 2, count: 101)), at: Self.t0) == .rejected(.overLimit))
        #expect(assembler.add(Self.chunk(1, 1, of: 3, Array(repeating: 1, count: 41)), at: Self.t0) == .rejected(.overLimit))
        #expect(assembler.evicted == 0)
        #expect(assembler.pendingMessages == 0, "a message that can never fit is dropped")
    }

    @Test func theOldestPartialMessageIsEvictedFirst() {
        var assembler = GELFChunkAssembler(maxPendingMessages: 3)
        let messages = (1...4).map { Self.message(UInt64($0), pieces: 2) }
        for (offset, message) in messages.enumerated() {
            #expect(assembler.add(message.chunks[0], at: Self.t0 + .milliseconds(Int64(offset))) == .pending)
        }
        #expect(assembler.evicted == 1)
        #expect(assembler.pendingMessages == 3)
        #expect(assembler.add(messages[1].chunks[1], at: Self.t0) == .complete(messages[1].joined))
        #expect(assembler.add(messages[3].chunks[1], at: Self.t0) == .complete(messages[3].joined))
        // The first message lost its first chunk: its second one starts over.
        #expect(assembler.add(messages[0].chunks[1], at: Self.t0) == .pending)
        #expect(assembler.evicted == 1)
    }

    @Test func theByteBoundEvictsOthersButNotTheGrowingMessage() {
        var assembler = GELFChunkAssembler(maxPendingBytes: 250)
        let a = Self.message(0xA, pieces: 3, pieceSize: 100)
        let b = Self.message(0xB, pieces: 3, pieceSize: 100)
        #expect(assembler.add(a.chunks[0], at: Self.t0) == .pending)
        #expect(assembler.add(b.chunks[0], at: Self.t0) == .pending)
        // A is the oldest, but it is the one growing: B makes room.
        #expect(assembler.add(a.chunks[1], at: Self.t0) == .pending)
        #expect(assembler.evicted == 1)
        #expect(assembler.pendingBytes == 200)
        // Completing needs no room: the pieces leave as the message does.
        #expect(assembler.add(a.chunks[2], at: Self.t0) == .complete(a.joined))
        #expect(assembler.pendingBytes == 0)
    }
}
