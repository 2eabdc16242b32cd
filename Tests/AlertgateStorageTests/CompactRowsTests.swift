import AlertgateCore
import AlertgateStorage
import GRDB
import Testing

@Suite("Compact rows (v13): a new alert's rows leave out what other rows hold, and read back whole")
struct CompactRowsTests {
    @Test func reasonsLabelsFingerprintsAndTimelineTextsReadBackWhole() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        var feed = Feed()
        let labels = ["alertname": "HighLatency", "instance": "10.0.0.1:9100", "job": "api", "custom": "x y"]
        let first = feed.record(alert("api", "HighLatency", labels: labels), at: 0)
        let second = feed.record(alert("api", "ErrorRate", labels: ["alertname": "ErrorRate", "line": "a\nb"]), at: 10)
        let resolved = feed.record(alert("api", "HighLatency", status: .resolved, labels: labels), at: 20)
        try await store.commit(StoreBatch(entries: [.ingest(first), .ingest(second)]))
        try await store.commit(StoreBatch(entries: [.ingest(resolved)]))

        // Read back through the store: what the correlator decided, whole.
        for (id, record) in [(Int64(1), first), (2, second), (3, resolved)] {
            let signal = try #require(try await store.signal(id: id))
            let outcome = record.signals[0].outcome
            #expect(signal.why == outcome.why)
            #expect(signal.fingerprint == outcome.fingerprint?.value)
            #expect(signal.title == record.signals[0].signal.title)
        }
        #expect(try await store.alert(id: 1)?.labels == labels)
        #expect(try await store.alert(id: 2)?.labels == ["alertname": "ErrorRate", "line": "a\nb"])
        let timeline = try await store.timeline(incidentID: 1)
        #expect(timeline.first { $0.entry.kind == .opened }?.entry.text == "HighLatency")
        #expect(timeline.first { $0.entry.kind == .attached }?.entry.text == "ErrorRate")

        // And as stored: the compact forms, the JSON form where a value holds a control character.
        let file = try DatabaseQueue(path: database.path)
        defer { try? file.close() }
        try await file.read { db in
            let whys = try String.fetchAll(db, sql: "SELECT why FROM signals ORDER BY id")
            #expect(whys.allSatisfy { !$0.hasPrefix("{") && $0.utf8.count < 40 }, "\(whys)")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM why_templates") == 3)
            #expect(try String.fetchAll(db, sql: "SELECT fingerprint FROM signals ORDER BY id") == ["", "", ""])
            let labelTexts = try String.fetchAll(db, sql: "SELECT labels FROM alerts ORDER BY id")
            #expect(labelTexts[0].utf8.first == 0x1E && labelTexts[1].hasPrefix("{"))
            let lines = try Row.fetchAll(db, sql: """
                SELECT kind, text, text_is_signal_title FROM timeline WHERE kind IN ('opened', 'attached') ORDER BY id
                """)
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { ($0["text"] as String?) == nil && $0["text_is_signal_title"] == 1 }, "\(lines)")
            // Any other line keeps its own text.
            let others = try Row.fetchAll(db, sql: "SELECT kind, text FROM timeline WHERE text_is_signal_title = 0")
            #expect(!others.isEmpty && others.allSatisfy { ($0["text"] as String?) != nil }, "\(others)")
        }
    }

    @Test func aReasonThatCannotBeCompactIsStoredAsJSON() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            // A correlation key with a control character: the reason's key holds it.
            let record = feed.record(alert("a\u{1F}pi", "HighLatency"), at: 0)
            try await store.commit(StoreBatch(entries: [.ingest(record)]))
            #expect(try await store.signal(id: 1)?.why == record.signals[0].outcome.why)
        }
    }
}
