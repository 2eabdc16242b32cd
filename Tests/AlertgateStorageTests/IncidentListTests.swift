import AlertgateCore
@testable import AlertgateStorage
import Foundation
import GRDB
import Testing

/// An incident's alerts and signals are listed in its own row and filed in `incident_alerts` and
/// `incident_signals` (v18), not found by an index by incident. What reads them (its alerts, its
/// signals page by page, its first signals, its timeline, retention) sees every row it was made
/// with, however many, across the lists' filing and a restart.
@Suite("Incident lists: an incident's alerts and signals, listed in its row and filed")
struct IncidentListTests {
    /// Alerts of two incidents, interleaved over many commits, and repeats of some: the first
    /// incident's lists are filed several times (`incident_lists_filed`, at 240 characters:
    /// ~60 ids of three digits).
    static let apiAlerts = 200
    static let dbAlerts = 7

    /// Fills `store`; returns the signal ids of each incident in the order made.
    @discardableResult
    static func fill(_ store: some StoreWriter, feed: inout Feed) async throws -> [Int64: [Int64]] {
        var made: [Int64: [Int64]] = [:]
        var seconds: Int64 = 0
        for name in 0..<apiAlerts {
            var records = [feed.record(alert("api", "Api\(name)"), at: seconds)]
            if name < dbAlerts { records.append(feed.record(alert("db", "Db\(name)"), at: seconds)) }
            // Repeats of one alert (stored as signals: `Feed` does not fold).
            if name % 10 == 9 { records.append(feed.record(alert("api", "Api5"), at: seconds)) }
            for placed in records.flatMap(\.signals) {
                if let incident = placed.outcome.incidentID, let signal = placed.outcome.signalID { made[incident, default: []].append(signal) }
            }
            try await store.commit(StoreBatch(entries: records.map { .ingest($0) }))
            seconds += 1
        }
        return made
    }

    @Test(arguments: StoreKind.allCases) func anIncidentsAlertsAndSignalsAreAllReadBack(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let made = try await Self.fill(store, feed: &feed)
            let api = try await store.alerts(incidentID: 1)
            #expect(api.count == Self.apiAlerts && api.allSatisfy { $0.incidentID == 1 })
            #expect(api.map(\.id) == api.map(\.id).sorted() && Set(api.map(\.id)).count == api.count)
            #expect(Set(api.map(\.title)) == Set((0..<Self.apiAlerts).map { "Api\($0)" }))
            #expect(try await store.alerts(incidentID: 2).map(\.title) == (0..<Self.dbAlerts).map { "Db\($0)" })

            // Signals, newest first, whole and page by page.
            let apiSignals = try #require(made[1])
            #expect(try await store.signals(incidentID: 1, beforeID: nil, limit: 10_000).map(\.id) == apiSignals.reversed())
            var paged: [Int64] = []
            var cursor: Int64?
            while true {
                let page = try await store.signals(incidentID: 1, beforeID: cursor, limit: 17).map(\.id)
                paged += page
                guard page.count == 17 else { break }
                cursor = page.last
            }
            #expect(paged == apiSignals.reversed())
            #expect(try await store.signals(incidentID: 2, beforeID: nil, limit: 3).map(\.id) == Array(try #require(made[2]).reversed().prefix(3)))
            // The first ones, by kind or not; a kind the incident has none of.
            #expect(try await store.firstSignals(incidentID: 1, kind: nil, limit: 5).map(\.id) == Array(apiSignals.prefix(5)))
            #expect(try await store.firstSignals(incidentID: 1, kind: .alert, limit: 3).map(\.id) == Array(apiSignals.prefix(3)))
            #expect(try await store.firstSignals(incidentID: 1, kind: .report, limit: 5).isEmpty)
            // All of them by a kind, pieces and the incident's row (one window here: the 20-piece
            // test walks several).
            #expect(try await store.firstSignals(incidentID: 1, kind: .alert, limit: 10_000).map(\.id) == apiSignals)
            #expect(try await store.signals(alertID: api[0].id, incidentID: 1, limit: 10).map(\.id) == [apiSignals[0]])
            let sources = try await store.firstSignalSources(incidentIDs: [1, 2, 99])
            #expect(sources == [1: .events, 2: .events])
            // An alert's signals, newest first: the repeated one has its first and every repeat.
            let repeated = try #require(api.first { $0.title == "Api5" })
            let ofAlert = try await store.signals(alertID: repeated.id, incidentID: 1, limit: 100)
            #expect(ofAlert.count == 1 + Self.apiAlerts / 10 && ofAlert.allSatisfy { $0.alertID == repeated.id })
            #expect(ofAlert.map(\.id) == ofAlert.map(\.id).sorted(by: >))
            // Every alert's `attached` line is in its incident's timeline, through the same list.
            let attached = try await store.timeline(incidentID: 1).filter { $0.entry.kind == .attached }
            #expect(attached.compactMap(\.entry.alertID).sorted() == Array(api.map(\.id).dropFirst()))
        }
    }

    /// The lists are kept by the database: a reopened file reads the same, and rows added after
    /// the restart land in them. Each filed piece is a run of ids in order, the newest in the
    /// incident's row.
    @Test func theListsOutliveARestartAndFileInPieces() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        var feed = Feed()
        var before: [Int64] = []
        var signals: [Int64] = []
        do {
            let store = try SQLiteStore(path: database.path)
            signals = try #require(try await Self.fill(store, feed: &feed)[1])
            before = try await store.alerts(incidentID: 1).map(\.id)
        }
        let reopened = try SQLiteStore(path: database.path)
        #expect(try await reopened.alerts(incidentID: 1).map(\.id) == before)
        let record = feed.record(alert("api", "AfterRestart"), at: 1_000)
        try await reopened.commit(StoreBatch(entries: [.ingest(record)]))
        let after = try await reopened.alerts(incidentID: 1).map(\.id)
        #expect(after == before + [try #require(before.last) + 1])
        signals.append(try #require(record.signals.first?.outcome.signalID))

        for (list, ids) in [(IncidentList.alerts, after), (IncidentList.signals, signals)] {
            let (filed, open) = try await reopened.pool.read { db in
                (try String.fetchAll(db, sql: "SELECT \(list.ids) FROM \(list.filed) WHERE incident_id = 1 ORDER BY \(list.firstID)"),
                 try String.fetchOne(db, sql: "SELECT \(list.open) FROM incidents WHERE id = 1"))
            }
            #expect(filed.count >= 2, "\(list.table): \(filed)")
            let pieces = try filed.map { try JSONText.decode([Int64].self, $0) }
                + [try #require(open, "\(list.table)").split(separator: ",").map { try #require(Int64($0)) }]
            #expect(pieces.flatMap { $0 } == ids, "\(list.table)")
        }
    }

    /// A signal whose incident the batch holds no change of (an inhibited signal's, a resolve's
    /// of an alert whose incident the correlator let go) is listed all the same, by an update of
    /// its own; one of an incident that is not stored fails the batch rather than go unlisted.
    @Test func aSignalOfAnIncidentTheBatchDidNotChangeIsListed() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "A"), at: 0))]))
            func withoutItsIncident(_ record: IngestRecord, incidentID: Int64? = nil) throws -> (IngestRecord, Int64) {
                var record = record
                let outcome = try #require(record.signals.first?.outcome)
                #expect(!outcome.incidents.isEmpty)
                record.signals[0].outcome = Outcome(signalID: outcome.signalID, decision: outcome.decision, why: outcome.why,
                                                    fingerprint: outcome.fingerprint, effectiveTime: outcome.effectiveTime,
                                                    alertID: outcome.alertID, incidentID: incidentID ?? outcome.incidentID)
                return (record, try #require(outcome.signalID))
            }
            let (record, id) = try withoutItsIncident(feed.record(alert("api", "A"), at: 1))
            try await store.commit(StoreBatch(entries: [.ingest(record)]))
            #expect(try await store.signals(incidentID: 1, beforeID: nil, limit: 10).map(\.id) == [id, 1])

            let (stray, _) = try withoutItsIncident(feed.record(alert("api", "A"), at: 2), incidentID: 99)
            let error = await #expect(throws: StoreError.self) { try await store.commit(StoreBatch(entries: [.ingest(stray)])) }
            guard case .incompleteBatch? = error else {
                Issue.record("\(String(describing: error))")
                return
            }
            #expect(try await store.signals(incidentID: 1, beforeID: nil, limit: 10).map(\.id) == [id, 1])
        }
    }

    /// Reads with a condition walk a list 16 pieces at a time: over more pieces than that and the
    /// ids in the incident's row, each way, every row comes once and in order.
    @Test(arguments: StoreKind.allCases) func aReadWithAConditionWalksWindowAfterWindow(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            var made: [Int64] = []
            // 20 batches of 100 new alerts of one incident: a piece each.
            for batch in 0..<20 {
                let records = (0..<100).map { feed.record(alert("wide", "Wide\(batch)-\($0)"), at: Int64(batch)) }
                made += records.compactMap { $0.signals.first?.outcome.signalID }
                try await store.commit(StoreBatch(entries: records.map { .ingest($0) }))
            }
            // And two in the incident's row.
            let last = (0..<2).map { feed.record(alert("wide", "Last\($0)"), at: 20) }
            made += last.compactMap { $0.signals.first?.outcome.signalID }
            try await store.commit(StoreBatch(entries: last.map { .ingest($0) }))
            #expect(try await store.firstSignals(incidentID: 1, kind: .alert, limit: 10_000).map(\.id) == made)
            #expect(try await store.firstSignals(incidentID: 1, kind: .alert, limit: 1_950).map(\.id) == Array(made.prefix(1_950)))
            let first = try #require(try await store.alerts(incidentID: 1).first)
            #expect(try await store.signals(alertID: first.id, incidentID: 1, limit: 10).map(\.id) == [made[0]])
            #expect(try await store.signals(incidentID: 1, beforeID: nil, limit: 10_000).map(\.id) == made.reversed())
            // A condition nothing meets: every window, then nothing.
            #expect(try await store.firstSignals(incidentID: 1, kind: .report, limit: 5).isEmpty)
            #expect(try await store.signals(alertID: 999_999, incidentID: 1, limit: 5).isEmpty)
        }
    }

    /// A new incident whose first batch makes a list long has it filed in that batch: the insert
    /// of its row files nothing, so the writer updates it.
    @Test func aLongListOfANewIncidentIsFiledAtOnce() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            let records = (0..<100).map { feed.record(alert("bulk", "Bulk\($0)"), at: 0) }
            try await store.commit(StoreBatch(entries: records.map { .ingest($0) }))
            let ids = records.compactMap { $0.signals.first?.outcome.signalID }
            let (pieces, open) = try await store.pool.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM incident_signals WHERE incident_id = 1") ?? 0,
                 try String.fetchOne(db, sql: "SELECT open_signal_ids FROM incidents WHERE id = 1"))
            }
            #expect(pieces == 1 && open == nil)
            #expect(try await store.signals(incidentID: 1, beforeID: nil, limit: 1000).map(\.id) == ids.reversed())
            #expect(try await store.signals(incidentID: 1, beforeID: ids[50], limit: 5).map(\.id) == Array(ids[45..<50].reversed()))
            #expect(try await store.alerts(incidentID: 1).count == 100)
        }
    }

    /// A file of v17 upgrades to the same reads: v18 files the rows it holds, 32 to a piece, and
    /// the lists then grow as in a file made at v18.
    @Test func aFileOfV17ReadsTheSameUpgraded() async throws {
        let made = TemporaryDatabase()
        let old = TemporaryDatabase()
        defer {
            made.remove()
            old.remove()
        }
        var feed = Feed()
        let signals = try #require(try await Self.fill(try SQLiteStore(path: made.path), feed: &feed)[1])
        // The same rows in a file of v17: every column it has, from the file made at v18.
        try FileManager.default.createDirectory(at: old.folder, withIntermediateDirectories: true)
        try SchemaHistory.createDatabase(at: old.path, upTo: "v17-timeline-by-alert")
        let queue = try DatabaseQueue(path: old.path)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS made", arguments: [made.path])
            try db.inTransaction {
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    """)
                // `incident_services` is filled by the triggers of `incidents`.
                for table in tables where table != "incident_services" {
                    let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?, 'main')", arguments: [table]).joined(separator: ", ")
                    try db.execute(sql: "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM made.\(table)")
                }
                for table in tables {
                    let counts = try Row.fetchOne(db, sql: "SELECT (SELECT count(*) FROM main.\(table)) AS old, (SELECT count(*) FROM made.\(table)) AS made")
                    #expect(counts?["old"] as Int? == counts?["made"] as Int?, "\(table)")
                }
                return .commit
            }
        }
        try queue.close()

        let upgraded = try SQLiteStore(path: old.path)
        #expect(try upgraded.appliedMigrations().contains("v18-incident-lists"))
        let pieces = try await upgraded.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM incident_signals WHERE incident_id = 1") ?? 0
        }
        #expect(pieces == (signals.count + 31) / 32)
        #expect(try await upgraded.alerts(incidentID: 1).count == Self.apiAlerts)
        #expect(try await upgraded.signals(incidentID: 1, beforeID: nil, limit: 10_000).map(\.id) == signals.reversed())
        #expect(try await upgraded.signals(incidentID: 1, beforeID: signals[100], limit: 40).map(\.id) == Array(signals[60..<100].reversed()))
        #expect(try await upgraded.firstSignals(incidentID: 1, kind: nil, limit: 40).map(\.id) == Array(signals.prefix(40)))
        // A batch long enough to file a piece of its own after the older file's.
        let records = (0..<80).map { feed.record(alert("api", "AfterUpgrade\($0)"), at: 1_000) }
        try await upgraded.commit(StoreBatch(entries: records.map { .ingest($0) }))
        let after = signals + records.compactMap { $0.signals.first?.outcome.signalID }
        let piecesAfter = try await upgraded.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM incident_signals WHERE incident_id = 1") ?? 0
        }
        #expect(piecesAfter == pieces + 1)
        #expect(try await upgraded.signals(incidentID: 1, beforeID: nil, limit: 10_000).map(\.id) == after.reversed())
        #expect(try await upgraded.signals(incidentID: 1, beforeID: after[signals.count + 5], limit: 10).map(\.id)
            == Array(after[(signals.count - 5)..<(signals.count + 5)].reversed()))
    }

    /// Retention takes an incident's alerts, signals and lists with it, and leaves another's.
    @Test func retentionDeletesTheListsWithTheirIncident() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            let made = try await Self.fill(store, feed: &feed)
            try await store.commit(StoreBatch(entries: [.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .close), at: at(300)))]))
            let counts = try await store.prune(RetentionCutoffs(incidentsClosedBefore: at(10 * 86_400)), batchSize: 64)
            #expect(counts.incidents == 1 && counts.alerts == Self.apiAlerts && counts.signals == made[1]?.count)
            for table in ["incident_alerts", "incident_signals", "alerts", "signals"] {
                #expect(try await store.rowCount(table, where: "incident_id = 1") == 0, "\(table)")
            }
            #expect(try await store.alerts(incidentID: 2).count == Self.dbAlerts)
            #expect(try await store.signals(incidentID: 2, beforeID: nil, limit: 100).map(\.id) == made[2]?.reversed())
        }
    }

    /// A batch's additions to a list are its ids ascending, comma-separated, in whatever order
    /// they were added.
    @Test func additionsAreWrittenAscending() {
        #expect(IncidentListAdditions.text([]) == nil)
        #expect(IncidentListAdditions.text([7]) == "7")
        #expect(IncidentListAdditions.text([9, 10, 11, 1_000_000_000_000]) == "9,10,11,1000000000000")
        #expect(IncidentListAdditions.text([15, 12, 99, 100]) == "12,15,99,100")
        var additions = IncidentListAdditions()
        for id: Int64 in [30, 4, 17] { additions.add(signal: id, to: 2) }
        additions.add(alert: 5, to: 2)
        additions.add(alert: 6, to: 3)
        #expect(additions.incidents == [2, 3])
        let text = additions.remove(2)
        #expect(text.alerts == "5" && text.signals == "4,17,30")
        #expect(additions.incidents == [3])
        #expect(additions.remove(2).alerts == nil)
    }

    /// The reads go by keys: the lists' tables by incident, the incident's row by id. No table
    /// is scanned, and no index by incident is left on alerts or signals.
    @Test func theListsAreReadByKeys() async throws {
        try await withTemporaryStore { store in
            let signals = IncidentList.signals
            let reads: [(sql: String, arguments: StatementArguments)] = [
                (IncidentList.alerts.idsOfAnIncident, [1]), (signals.idsOfAnIncident, [1]),
                (signals.newest.ids, [1, 2, 3]), (signals.newest.end, [1, 2, 3]), (signals.oldest.ids, [1, 2, 3]), (signals.oldest.end, [1, 2, 3]),
                ("SELECT " + signals.firstID(ofIncident: "?1"), [1]),
            ]
            for read in reads {
                let plan = try store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + read.sql, arguments: read.arguments).map { $0["detail"] as String }
                }
                // What is scanned: the `json_each` of a list, a subquery's rows, a constant row.
                let tables: Set = ["alerts", "signals", "incidents", "incident_alerts", "incident_signals"]
                #expect(!plan.contains { $0.hasPrefix("SCAN ") && tables.contains(String($0.split(separator: " ")[1])) }, "\(plan)")
                #expect(plan.contains { $0.hasPrefix("SEARCH incident_") && $0.contains("USING PRIMARY KEY (incident_id=?") }, "\(plan)")
                if read.sql.contains("FROM incidents") {
                    #expect(plan.contains { $0.hasPrefix("SEARCH incidents USING INTEGER PRIMARY KEY (rowid=?)") }, "\(plan)")
                }
            }
            let indexes = try store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('alerts', 'signals')")
            }
            #expect(!indexes.contains("alerts_by_incident") && !indexes.contains("signals_by_incident"), "\(indexes)")
        }
    }
}
