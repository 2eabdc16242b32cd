import AlertgateCore
import AlertgateStorage
import Foundation
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

    @Test func aSignalPointingToItsAlertsTitleKeepsItsOwnWhenTheAlertIsRetitled() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        var feed = Feed()
        // Same labels, so the same alert; the sender's title changes twice, once inside a batch.
        let labels = ["alertname": "DiskFull", "device": "sda"]
        func disk(_ title: String) -> Signal {
            Signal(kind: .alert, source: .events, status: .firing, service: "db", title: title, severity: .error, labels: labels)
        }
        try await store.commit(StoreBatch(entries: [.ingest(feed.record(disk("Disk 91% full"), at: 0)),
                                                    .ingest(feed.record(disk("Disk 95% full"), at: 10))]))
        try await store.commit(StoreBatch(entries: [.ingest(feed.record(disk("Disk 99% full"), at: 20)),
                                                    .ingest(feed.record(disk("Disk 91% full"), at: 30))]))
        #expect(try await store.alert(id: 1)?.title == "Disk 91% full")
        let titles = try await store.signals(alertID: 1, incidentID: 1, limit: 10).map(\.title)
        #expect(titles == ["Disk 91% full", "Disk 99% full", "Disk 95% full", "Disk 91% full"])
        #expect(try await store.signals(alertID: 1, incidentID: 1, limit: 10).allSatisfy { $0.service == "db" })
        #expect(try await store.timeline(incidentID: 1).first { $0.entry.kind == .opened }?.entry.text == "Disk 91% full")

        let file = try DatabaseQueue(path: database.path)
        defer { try? file.close() }
        try await file.read { db in
            // The first signal points to the title the alert was created with; the alert's row
            // keeps that one, with the current one beside it while they differ.
            let signals = try Row.fetchAll(db, sql: "SELECT title, service, from_alert FROM signals ORDER BY id")
            #expect(signals.map { $0["from_alert"] as Int64 } == [3, 2, 2, 2])
            #expect(signals.map { $0["title"] as String } == ["", "Disk 95% full", "Disk 99% full", "Disk 91% full"])
            let alert = try #require(try Row.fetchOne(db, sql: "SELECT title, retitled FROM alerts WHERE id = 1"))
            #expect(alert["title"] as String == "Disk 91% full" && (alert["retitled"] as String?) == nil)
        }
        let restarted = try SQLiteStore(path: database.path)
        #expect(try await restarted.alert(id: 1)?.title == "Disk 91% full")
    }

    @Test func aNewAlertRetitledInItsFirstBatchKeepsBothTitles() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        var feed = Feed()
        let labels = ["alertname": "QueueDepth"]
        func queue(_ title: String) -> Signal {
            Signal(kind: .alert, source: .events, status: .firing, service: "mq", title: title, severity: .warning, labels: labels)
        }
        try await store.commit(StoreBatch(entries: [.ingest(feed.record([queue("Queue at 1k"), queue("Queue at 5k")], at: 0))]))
        #expect(try await store.alert(id: 1)?.title == "Queue at 5k")
        #expect(try await store.signals(alertID: 1, incidentID: 1, limit: 10).map(\.title) == ["Queue at 5k", "Queue at 1k"])
        let file = try DatabaseQueue(path: database.path)
        defer { try? file.close() }
        let row = try await file.read { db in try Row.fetchOne(db, sql: "SELECT title, retitled FROM alerts WHERE id = 1") }
        #expect(row?["title"] == "Queue at 1k" && row?["retitled"] == "Queue at 5k")
    }

    @Test func anOpenRunLivesInItsAlertsRowAndMovesToTheHistoryWhenItEnds() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        var feed = Feed(config: CorrelationConfig(foldRepeats: true))
        let latency = alert("api", "HighLatency")
        var changed = latency
        changed.description = "p99 over 2 s"
        // Run 1 over two batches, ended and run 2 begun inside the third batch, run 2 extended in the fourth.
        try await store.commit(StoreBatch(entries: [.ingest(feed.record(latency, at: 0)), .ingest(feed.record(latency, at: 60))]))
        try await store.commit(StoreBatch(entries: [.ingest(feed.record(latency, at: 120))]))
        try await store.commit(StoreBatch(entries: [
            .ingest(feed.record(latency, at: 180)), .ingest(feed.record(changed, at: 240)), .ingest(feed.record(changed, at: 300)),
        ]))
        try await store.commit(StoreBatch(entries: [.ingest(feed.record(changed, at: 360))]))
        let runs = try await store.repeatRuns(alertID: 1, limit: 10)
        #expect(runs == [RepeatRun(alertID: 1, startedAt: at(300), lastAt: at(360), count: 2, firstPayloadID: 6, lastPayloadID: 7),
                         RepeatRun(alertID: 1, startedAt: at(60), lastAt: at(180), count: 3, firstPayloadID: 2, lastPayloadID: 4)])
        #expect(try await store.repeatRuns(alertID: 1, limit: 1).map(\.startedAt) == [at(300)])
        #expect(try await store.counts().repeatsFolded == 5)
        let file = try DatabaseQueue(path: database.path)
        defer { try? file.close() }
        #expect(try await file.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alert_runs") } == 1, "only the run that ended has a row")
    }

    @Test func theOpenRunsOfAnOlderFileMoveIntoTheirAlertsRows() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(at: database.folder, withIntermediateDirectories: true)
        try SchemaHistory.createDatabase(at: database.path, upTo: "v12-payload-xor-delta")
        let old = try DatabaseQueue(path: database.path)
        try await old.write { db in
            try db.execute(sql: """
                INSERT INTO incidents (id, key, title, status, severity, type, service, services, detected_by, opened_at, last_activity,
                                       signal_count, alert_count, report_count, classified_by_hand)
                VALUES (1, 'api', 'HighLatency', 1, 2, 1, 'api', '[]', 1, 0, 0, 3, 1, 0, 0);
                INSERT INTO alerts (id, fingerprint, incident_id, status, kind, service, title, severity, labels, first_seen, last_seen,
                                    count, digest, run_started_at, run_last_at)
                VALUES (1, 'f1', 1, 1, 1, 'api', 'HighLatency', 4, '{"alertname":"HighLatency"}', 0, 600000, 9, 7, 300000, 600000);
                INSERT INTO alert_runs VALUES (1, 60000, 120000, 2, 2, 3), (1, 300000, 600000, 6, 5, 9);
                """)
        }
        try old.close()
        let store = try SQLiteStore(path: database.path)
        #expect(try await store.repeatRuns(alertID: 1, limit: 10).map(\.count) == [6, 2])
        #expect(try await store.counts().repeatsFolded == 8)
        #expect(try await store.alert(id: 1)?.labels == ["alertname": "HighLatency"])
        let file = try DatabaseQueue(path: database.path)
        defer { try? file.close() }
        let row = try await file.read { db in
            try Int64.fetchAll(db, sql: "SELECT run_count FROM alerts UNION ALL SELECT run_first_payload_id FROM alerts UNION ALL SELECT run_last_payload_id FROM alerts")
        }
        #expect(row == [6, 5, 9])
        #expect(try await file.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alert_runs") } == 1)
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
