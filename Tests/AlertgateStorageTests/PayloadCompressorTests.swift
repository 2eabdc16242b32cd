@testable import AlertgateStorage
import AlertgateCore
import Testing

/// Stands for the pipeline a payload is submitted to: payload ids belong to its database.
final class TestScope: Sendable {}

@Suite("Payload compression against the previous payload of a key")
struct PayloadCompressorTests {
    let resend = PrometheusResend(alerts: 64)

    /// Compresses `bytes`, stores it with one signal, and returns what was stored.
    func store(_ bytes: [UInt8], _ compressor: PayloadCompressor, scope: TestScope, key: String = "fp",
               in store: SQLiteStore, feed: inout Feed, at seconds: Int64 = 0) async throws -> (payload: StoredPayload, id: Int64) {
        let payload = compressor.compress(bytes, scope: scope, key: key, source: .alertmanagerAPI, contentType: "application/json",
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
            let scope = TestScope()
            let first = try await store(resend.batches(round: 0)[0], compressor, scope: scope, in: sqlite, feed: &feed)
            #expect(first.payload.encoding == .zlib)
            #expect(first.payload.dictionaryID == nil)

            for round in 1...3 {
                let body = resend.batches(round: round)[0]
                let next = try await store(body, compressor, scope: scope, in: sqlite, feed: &feed, at: Int64(round))
                #expect(next.payload.encoding == .zlibDictionary)
                #expect(next.payload.dictionaryID == first.id, "always the base: a chain is one step deep")
                #expect(next.payload.bytes.count * 5 < first.payload.bytes.count, "\(next.payload.bytes.count) vs \(first.payload.bytes.count)")
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
            let scope = TestScope()
            _ = try await store(first, compressor, scope: scope, in: sqlite, feed: &feed)
            let next = try await store(second, compressor, scope: scope, in: sqlite, feed: &feed, at: 1)
            #expect(next.payload.encoding == .zlibDictionary)
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

    @Test func aBaseIsUsedOnlyOnceCommittedAndOnlyInItsScope() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let compressor = PayloadCompressor()
            let scope = TestScope()
            let body = resend.batches(round: 0)[0]
            // Not committed yet: its id is unknown, so the next body is stored in full.
            let pending = compressor.compress(body, scope: scope, key: "fp", source: .alertmanagerAPI, contentType: "", receivedAt: at(0))
            #expect(pending.commitObserver != nil)
            let next = try await store(resend.batches(round: 1)[0], compressor, scope: scope, in: sqlite, feed: &feed)
            #expect(next.payload.encoding == .zlib)

            let other = try await store(resend.batches(round: 2)[0], compressor, scope: TestScope(), in: sqlite, feed: &feed)
            #expect(other.payload.encoding == .zlib, "another scope writes another database")
            let again = try await store(resend.batches(round: 2)[0], compressor, scope: scope, in: sqlite, feed: &feed)
            #expect(again.payload.dictionaryID == next.id)
        }
    }

    @Test func anEvictedBaseStartsANewOneAndOldPayloadsStillRestore() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let body = resend.batches(round: 0)[0]
            let compressor = PayloadCompressor(budgetBytes: body.count * 8)
            let scope = TestScope()
            let base = try await store(body, compressor, scope: scope, key: "a", in: sqlite, feed: &feed)
            let delta = try await store(resend.batches(round: 1)[0], compressor, scope: scope, key: "a", in: sqlite, feed: &feed)
            #expect(delta.payload.dictionaryID == base.id)
            for key in "bcdefghijklm".map(String.init) {
                _ = try await store(PrometheusResend(alerts: 64).body(Array(100..<164), round: 0), compressor, scope: scope, key: key,
                                    in: sqlite, feed: &feed)
            }
            #expect(compressor.keptBytes <= body.count * 8 + body.count / 2)
            let after = try await store(resend.batches(round: 2)[0], compressor, scope: scope, key: "a", in: sqlite, feed: &feed)
            #expect(after.payload.encoding == .zlib, "the base left the cache: stored in full")
            #expect(try await sqlite.payload(id: delta.id)?.bytes == resend.batches(round: 1)[0])
        }
    }

    @Test func afterARestartTheFirstBodyIsStoredInFullAndOldOnesRestore() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        var feed = Feed()
        let scope = TestScope()
        let compressor = PayloadCompressor()
        let before = try SQLiteStore(path: database.path)
        _ = try await store(resend.batches(round: 0)[0], compressor, scope: scope, in: before, feed: &feed)
        let delta = try await store(resend.batches(round: 1)[0], compressor, scope: scope, in: before, feed: &feed)
        #expect(delta.payload.encoding == .zlibDictionary)

        let reopened = try SQLiteStore(path: database.path)
        #expect(try await reopened.payload(id: delta.id)?.bytes == resend.batches(round: 1)[0])
        let first = try await store(resend.batches(round: 2)[0], PayloadCompressor(), scope: TestScope(), in: reopened, feed: &feed)
        #expect(first.payload.encoding == .zlib)
    }

    @Test func identityPayloadsServeAsBasesAndUnlikeBodiesBackOff() async throws {
        try await withTemporaryStore { sqlite in
            var feed = Feed()
            let compressor = PayloadCompressor()
            let scope = TestScope()
            let noise = pseudoRandomBytes(count: 3000, seed: 5)
            let base = try await store(noise, compressor, scope: scope, in: sqlite, feed: &feed)
            #expect(base.payload.encoding == .identity)
            let repeated = try await store(noise, compressor, scope: scope, in: sqlite, feed: &feed)
            #expect(repeated.payload.encoding == .zlibDictionary, "an identical binary body compresses against an identity base")
            #expect(repeated.payload.dictionaryID == base.id)

            // Unlike bodies: each attempt gains nothing, so attempts back off (1, then 3 skipped).
            var encodings: [StoredPayload.Encoding] = []
            for seed in 10..<16 {
                encodings.append(try await store(pseudoRandomBytes(count: 3000, seed: UInt64(seed)), compressor, scope: scope,
                                                 in: sqlite, feed: &feed).payload.encoding)
            }
            #expect(encodings.allSatisfy { $0 == .identity })
            #expect(try await sqlite.counts().payloadBytes > 0)
        }
    }
}
