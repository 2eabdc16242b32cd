import AlertgateTesting
import AlertgateCompression
@testable import AlertgateStorage
import AlertgateCore
import Testing

@Suite("Payload compression against the previous payload of a key")
struct PayloadCompressorTests {
    let resend = PrometheusResend(alerts: 64)

    /// Compresses `bytes`, stores it with one signal, and returns what was stored.
    func store(_ bytes: [UInt8], _ compressor: PayloadCompressor, key: String = "fp",
               in store: SQLiteStore, feed: inout Feed, at seconds: Int64 = 0) async throws -> (payload: StoredPayload, id: Int64) {
        let payload = compressor.compress(bytes, key: key, source: .alertmanagerAPI, contentType: "application/json",
                                          receivedAt: at(seconds))
        let record = feed.record(alert("api", "HighLatency"), payload: payload)
        try await store.commit(StoreBatch(entries: [.ingest(record)]))
        let signalID = try #require(record.signals.first?.outcome.signalID)
        let id = try #require(try await store.signal(id: signalID)).payloadID
        #expect(try await store.payload(id: id)?.bytes == bytes, "restored byte for byte")
        return (payload, id)
    }

    @Test func aResendIsCompressedAgainstTheFirstBodyStoredInFull() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let compressor = PayloadCompressor()
            let first = try await store(resend.batches(round: 0)[0], compressor, in: sqlite, feed: &feed)
            #expect(first.payload.encoding == .zlib)
            #expect(first.payload.dictionaryID == nil)

            for round in 1...3 {
                let body = resend.batches(round: round)[0]
                let next = try await store(body, compressor, in: sqlite, feed: &feed, at: Int64(round))
                // Only the times changed, no byte moved: an XOR delta.
                #expect(next.payload.encoding == .zlibXORDelta)
                #expect(next.payload.dictionaryID == first.id, "always the base: a chain is one step deep")
                #expect(next.payload.bytes.count * 5 < first.payload.bytes.count, "\(next.payload.bytes.count) vs \(first.payload.bytes.count)")
                let dictionaryDelta = DictionaryDelta.compress(body, against: resend.batches(round: 0)[0])
                #expect(next.payload.bytes.count * 2 < dictionaryDelta.count, "\(next.payload.bytes.count) vs \(dictionaryDelta.count)")
            }
        }
    }

    @Test func bodiesOverZlibsWindowAreCompressedSegmentBySegment() async throws {
        let large = PrometheusResend(alerts: 64, padding: 40)
        let first = large.batches(round: 0)[0]
        let second = large.batches(round: 1)[0]
        #expect(first.count > 3 * 32 * 1024)
        let delta = DictionaryDelta.compress(second, against: first)
        #expect(delta.count * 5 < Zlib.compress(second).count, "\(delta.count) vs \(Zlib.compress(second).count)")
        #expect(try DictionaryDelta.decompress(delta, against: first, size: second.count) == second)

        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let compressor = PayloadCompressor()
            _ = try await store(first, compressor, in: sqlite, feed: &feed)
            // One byte longer: the bytes after it moved, so no XOR delta, but a dictionary delta.
            let longer = try await store(second + Array(" ".utf8), compressor, in: sqlite, feed: &feed, at: 1)
            #expect(longer.payload.encoding == .zlibDictionary)
            let next = try await store(second, compressor, in: sqlite, feed: &feed, at: 2)
            #expect(next.payload.encoding == .zlibXORDelta)
        }
    }

    @Test func unlikeBodiesAndEdgeSizesRoundTripAgainstAnyDictionary() throws {
        let base = resend.batches(round: 0)[0]
        let bodies: [[UInt8]] = [
            [], Array("x".utf8), pseudoRandomBytes(count: 70_000, seed: 9), Array(base.prefix(100)),
            Array(base.dropFirst(5000)) + base, Array(repeating: 0x41, count: DictionaryDelta.segmentBytes),
            Array(repeating: 0x41, count: DictionaryDelta.segmentBytes + 1),
        ]
        for body in bodies {
            for dictionary in [base, Array(base.prefix(10)), pseudoRandomBytes(count: 100_000, seed: 1)] {
                let delta = DictionaryDelta.compress(body, against: dictionary)
                #expect(try DictionaryDelta.decompress(delta, against: dictionary, size: body.count) == body)
            }
        }
    }

    @Test func aWrongDictionaryIsDetectedNotInflatedIntoGarbage() throws {
        let base = resend.batches(round: 0)[0]
        let delta = DictionaryDelta.compress(resend.batches(round: 1)[0], against: base)
        var other = base
        other[100] ^= 1
        #expect(throws: Zlib.Failure.self) { try DictionaryDelta.decompress(delta, against: other, size: 1 << 20) }
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(delta, format: .zlib, limit: 1 << 20) }
    }

    @Test func anXORDeltaNeedsTheSameLengthAndTheSameDictionary() throws {
        let base = resend.batches(round: 0)[0]
        let body = resend.batches(round: 1)[0]
        #expect(XORDelta.compress(body + [0x20], against: base) == nil, "another length: bytes moved")
        #expect(XORDelta.compress([], against: []) == nil)
        for (bytes, dictionary) in [(body, base), (base, base), (pseudoRandomBytes(count: 70_000, seed: 3), pseudoRandomBytes(count: 70_000, seed: 4)),
                                    (Array("x".utf8), Array("y".utf8))] {
            let delta = try #require(XORDelta.compress(bytes, against: dictionary))
            #expect(try XORDelta.decompress(delta, against: dictionary, size: bytes.count) == bytes)
        }
        let delta = try #require(XORDelta.compress(body, against: base))
        var other = base
        other[100] ^= 1
        #expect(throws: Zlib.Failure.self) { try XORDelta.decompress(delta, against: other, size: body.count) }
        #expect(throws: Zlib.Failure.self) { try XORDelta.decompress(delta, against: Array(base.dropLast()), size: body.count) }
        #expect(throws: Zlib.Failure.self) { try XORDelta.decompress(delta, against: base, size: body.count - 1) }
        #expect(throws: Zlib.Failure.self) { try XORDelta.decompress(Array(delta.prefix(3)), against: base, size: body.count) }
    }

    @Test func aBaseIsUsedOnlyOnceCommitted() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let compressor = PayloadCompressor()
            let body = resend.batches(round: 0)[0]
            // Not committed yet: its id is unknown, so the next body is stored in full.
            let pending = compressor.compress(body, key: "fp", source: .alertmanagerAPI, contentType: "", receivedAt: at(0))
            #expect(pending.commitObserver != nil)
            let next = try await store(resend.batches(round: 1)[0], compressor, in: sqlite, feed: &feed)
            #expect(next.payload.encoding == .zlib)

            let again = try await store(resend.batches(round: 2)[0], compressor, in: sqlite, feed: &feed)
            #expect(again.payload.dictionaryID == next.id)
        }
    }

    @Test func anEvictedBaseStartsANewOneAndOldPayloadsStillRestore() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let body = resend.batches(round: 0)[0]
            let compressor = PayloadCompressor(budgetBytes: body.count * 16)
            let base = try await store(body, compressor, key: "a", in: sqlite, feed: &feed)
            let delta = try await store(resend.batches(round: 1)[0], compressor, key: "a", in: sqlite, feed: &feed)
            #expect(delta.payload.dictionaryID == base.id)
            // Keys that come back (each sent twice) take the main part's room; key a's base leaves.
            for key in "bcdefghijklm".map(String.init) {
                for round in 0..<2 {
                    _ = try await store(PrometheusResend(alerts: 64).body(Array(100..<164), round: round), compressor, key: key,
                                        in: sqlite, feed: &feed)
                }
            }
            #expect(compressor.keptBytes <= body.count * 16)
            let after = try await store(resend.batches(round: 2)[0], compressor, key: "a", in: sqlite, feed: &feed)
            #expect(after.payload.encoding == .zlib, "the base left the cache: stored in full")
            #expect(try await sqlite.payload(id: delta.id)?.bytes == resend.batches(round: 1)[0])
        }
    }

    @Test func bodiesThatNeverComeBackHoldOnlyTheProbationAndEvictNoUsedBase() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let body = resend.batches(round: 0)[0]
            let budget = body.count * 16
            let compressor = PayloadCompressor(budgetBytes: budget)
            let base = try await store(body, compressor, key: "a", in: sqlite, feed: &feed)
            _ = try await store(resend.batches(round: 1)[0], compressor, key: "a", in: sqlite, feed: &feed)
            // Sixty keys sent once each: new alerts, as a burst of one alert per POST brings.
            for index in 0..<60 {
                _ = try await store(PrometheusResend(alerts: 64).body(Array(100 + index..<164 + index), round: 0), compressor,
                                    key: "once-\(index)", in: sqlite, feed: &feed)
            }
            #expect(compressor.keptBytes <= body.count + budget / PayloadBaseCache.probationShare + body.count / 2)
            let after = try await store(resend.batches(round: 2)[0], compressor, key: "a", in: sqlite, feed: &feed)
            #expect(after.payload.dictionaryID == base.id, "the used base stayed")
        }
    }

    @Test func aKeyBackAfterItsBaseLeftTheProbationStartsItsNextInTheMainPart() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let body = resend.batches(round: 0)[0]
            // The probation holds four to eight bodies: twelve keys in a round push the first four out.
            // The main part holds all twelve.
            let compressor = PayloadCompressor(budgetBytes: body.count * 40)
            let keys = (0..<12).map { "k\($0)" }
            var encodings: [[StoredPayload.Encoding]] = []
            for round in 0..<3 {
                var ofRound: [StoredPayload.Encoding] = []
                for key in keys {
                    ofRound.append(try await store(resend.batches(round: round)[0], compressor, key: key, in: sqlite, feed: &feed).payload.encoding)
                }
                encodings.append(ofRound)
            }
            #expect(encodings[0].allSatisfy { $0 == .zlib })
            #expect(encodings[1].prefix(4).allSatisfy { $0 == .zlib }, "their first bases left the probation")
            #expect(encodings[1].suffix(8).allSatisfy { $0.isDelta }, "theirs stayed")
            #expect(encodings[2].allSatisfy { $0.isDelta }, "the second bases went to the main part")
        }
    }

    @Test func afterARestartTheFirstBodyIsStoredInFullAndOldOnesRestore() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        var feed = Feed()
        let compressor = PayloadCompressor()
        let before = try SQLiteStore(path: database.path)
        _ = try await store(resend.batches(round: 0)[0], compressor, in: before, feed: &feed)
        let delta = try await store(resend.batches(round: 1)[0], compressor, in: before, feed: &feed)
        #expect(delta.payload.encoding == .zlibXORDelta)

        let reopened = try SQLiteStore(path: database.path)
        #expect(try await reopened.payload(id: delta.id)?.bytes == resend.batches(round: 1)[0])
        let first = try await store(resend.batches(round: 2)[0], PayloadCompressor(), in: reopened, feed: &feed)
        #expect(first.payload.encoding == .zlib)
    }

    @Test func identityPayloadsServeAsBasesAndUnlikeBodiesBackOff() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let compressor = PayloadCompressor()
            let noise = pseudoRandomBytes(count: 3000, seed: 5)
            let base = try await store(noise, compressor, in: sqlite, feed: &feed)
            #expect(base.payload.encoding == .identity)
            let repeated = try await store(noise, compressor, in: sqlite, feed: &feed)
            #expect(repeated.payload.encoding == .zlibXORDelta, "an identical binary body compresses against an identity base")
            #expect(repeated.payload.dictionaryID == base.id)

            // Unlike bodies: each attempt gains nothing, so attempts back off. After n failures
            // in a row, 2^n - 1 bodies are stored in full without trying: try, skip 1, try,
            // skip 3, try.
            var tried: [Bool] = []
            for seed in 10..<19 {
                let attemptsBefore = compressor.attempts.load(ordering: .relaxed)
                let stored = try await store(pseudoRandomBytes(count: 3000, seed: UInt64(seed)), compressor, in: sqlite, feed: &feed)
                #expect(stored.payload.encoding == .identity)
                tried.append(compressor.attempts.load(ordering: .relaxed) > attemptsBefore)
            }
            #expect(tried == [true, false, true, false, false, false, true, false, false])

            // While the back-off lasts, even a body identical to the base is not tried.
            let attemptsBefore = compressor.attempts.load(ordering: .relaxed)
            let same = try await store(pseudoRandomBytes(count: 3000, seed: 18), compressor, in: sqlite, feed: &feed)
            #expect(same.payload.encoding == .identity)
            #expect(compressor.attempts.load(ordering: .relaxed) == attemptsBefore)
            #expect(try await sqlite.counts().payloadBytes > 0)
        }
    }

    @Test func theStorePacksPayloadsWithACompressorOfItsOwn() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let first = sqlite.preparePayload(resend.batches(round: 0)[0], key: "fp", source: .alertmanagerAPI, contentType: "application/json",
                                              receivedAt: at(0))
            let record = feed.record(alert("api", "HighLatency"), payload: first)
            try await sqlite.commit(StoreBatch(entries: [.ingest(record)]))
            let base = try #require(try await sqlite.signal(id: record.signals[0].outcome.signalID!)).payloadID
            // The store's compressor learned the base's id at the commit: the next body is a delta.
            let next = sqlite.preparePayload(resend.batches(round: 1)[0], key: "fp", source: .alertmanagerAPI, contentType: "application/json",
                                             receivedAt: at(1))
            #expect(next.encoding.isDelta && next.dictionaryID == base)
        }
    }
}
