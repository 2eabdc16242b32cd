import AlertgateTesting
import AlertgateCompression
import AlertgateCore
import AlertgateStorage
import Testing

@Suite("Payloads: raw bytes come back byte for byte")
struct PayloadRoundTripTests {
    static let bodies: [(name: String, bytes: [UInt8], encoding: StoredPayload.Encoding)] = [
        ("random binary", pseudoRandomBytes(count: 70_000, seed: 42), .zlib),
        ("empty JSON object", Array("{}".utf8), .zlib),
        ("empty body", [], .zlib),
        ("invalid UTF-8", [0x7B, 0xFF, 0xFE, 0xC3, 0x28, 0x80, 0xED, 0xA0, 0x80, 0x00, 0x7D], .zlib),
        ("identity-encoded", Array("{\"title\":\"kept as received\",\"n\":1}".utf8), .identity),
        ("identity random", pseudoRandomBytes(count: 1000, seed: 7), .identity),
        ("repetitive 1 MB", Array(repeating: Array("{\"service\":\"api\"},".utf8), count: 60_000).flatMap { $0 }, .zlib),
    ]

    @Test(arguments: StoreKind.allCases) func everyPayloadAndSignalRoundTrips(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            var records: [IngestRecord] = []
            for (index, body) in Self.bodies.enumerated() {
                records.append(feed.record(alert("svc\(index % 3)", "Alert\(index)"), at: Int64(index),
                                           bytes: body.bytes, encoding: body.encoding))
            }
            try await store.commit(StoreBatch(entries: records.map { .ingest($0) }))

            for (record, body) in zip(records, Self.bodies) {
                let placed = try #require(record.signals.first)
                let signalID = try #require(placed.outcome.signalID)
                let stored = try #require(try await store.signal(id: signalID), "\(body.name)")
                #expect(stored.decision == placed.outcome.decision)
                #expect(stored.alertID == placed.outcome.alertID)
                #expect(stored.incidentID == placed.outcome.incidentID)
                #expect(stored.fingerprint == placed.outcome.fingerprint?.value)
                #expect(stored.why == placed.outcome.why)
                #expect(stored.at == placed.outcome.effectiveTime)
                #expect(stored.receivedAt == placed.receivedAt)
                #expect(stored.title == placed.signal.title)
                #expect(stored.item == 0)

                let payload = try #require(try await store.payload(id: stored.payloadID), "\(body.name)")
                #expect(payload.bytes == body.bytes, "\(body.name)")
                #expect(payload.contentType == "application/json")
                #expect(payload.source == .events)
                #expect(payload.receivedAt == record.payload.receivedAt)
            }
            let counts = try await store.counts()
            #expect(counts.originalBytes == Int64(Self.bodies.map(\.bytes.count).reduce(0, +)))
            #expect(counts.payloadBytes < counts.originalBytes, "compressed payloads are stored compressed")
        }
    }

    @Test(arguments: StoreKind.allCases) func aBatchPayloadKeepsEveryItemAndItsPosition(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let body = pseudoRandomBytes(count: 5000, seed: 3)
            let record = feed.record([alert("api", "A"), alert("api", "B"), alert("db", "C")], at: 0, bytes: body)
            try await store.commit(StoreBatch(entries: [.ingest(record)]))

            var payloadIDs: Set<Int64> = []
            for placed in record.signals {
                let signalID = try #require(placed.outcome.signalID)
                let stored = try #require(try await store.signal(id: signalID))
                #expect(stored.item == placed.item)
                payloadIDs.insert(stored.payloadID)
            }
            #expect(payloadIDs.count == 1)
            let payloadID = try #require(payloadIDs.first)
            #expect(try await store.payload(id: payloadID)?.bytes == body)
            #expect(try await store.payload(id: 999) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func aChangeSignalIsKeptAsARollbackCandidate(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let change = Signal(kind: .change, source: .changes, service: "api", title: "deploy v2", description: "canary",
                                links: [SignalLink(href: "https://ci.example/42", text: "build")], sender: "ci")
            let record = feed.record(change, at: 10)
            try await store.commit(StoreBatch(entries: [.ingest(record)]))

            let changes = try await store.changes(services: ["api"], from: at(0), to: at(20), limit: 10)
            #expect(changes.count == 1)
            #expect(changes.first?.title == "deploy v2")
            #expect(changes.first?.links == [SignalLink(href: "https://ci.example/42", text: "build")])
            #expect(changes.first?.sender == "ci")
            #expect(try await store.changes(services: ["db"], from: at(0), to: at(20), limit: 10).isEmpty)
            let signalID = try #require(record.signals.first?.outcome.signalID)
            #expect(try await store.signal(id: signalID)?.decision == .recorded)
        }
    }
}
