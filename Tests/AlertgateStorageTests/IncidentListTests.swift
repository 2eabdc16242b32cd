import AlertgateCore
@testable import AlertgateStorage
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

    /// A signal whose incident the batch holds no change of (the writer never gets one; the
    /// store does not rely on it) is listed all the same, by an update of its own.
    @Test func aSignalOfAnIncidentTheBatchDidNotChangeIsListed() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "A"), at: 0))]))
            var record = feed.record(alert("api", "A"), at: 1)
            let outcome = try #require(record.signals.first?.outcome)
            #expect(!outcome.incidents.isEmpty)
            record.signals[0].outcome = Outcome(signalID: outcome.signalID, decision: outcome.decision, why: outcome.why,
                                                fingerprint: outcome.fingerprint, effectiveTime: outcome.effectiveTime,
                                                alertID: outcome.alertID, incidentID: outcome.incidentID)
            try await store.commit(StoreBatch(entries: [.ingest(record)]))
            #expect(try await store.signals(incidentID: 1, beforeID: nil, limit: 10).map(\.id) == [try #require(outcome.signalID), 1])
        }
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

    /// The reads go by keys: the lists' tables by incident, the incident's row by id. No table
    /// is scanned, and no index by incident is left on alerts or signals.
    @Test func theListsAreReadByKeys() async throws {
        try await withTemporaryStore { store in
            let reads: [(sql: String, arguments: StatementArguments)] = [
                (IncidentList.alerts.idsOfAnIncident, [1]), (IncidentList.signals.idsOfAnIncident, [1]),
                (IncidentList.signals.newestIDsOfAnIncident, [1, 2, 3]), (IncidentList.signals.oldestIDsOfAnIncident, [1, nil, 3]),
                ("SELECT " + IncidentList.signals.firstID(ofIncident: "?1"), [1]),
            ]
            for read in reads {
                let plan = try store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + read.sql, arguments: read.arguments).map { $0["detail"] as String }
                }
                // What is scanned: the `json_each` of a list, a subquery's rows, a constant row.
                let tables: Set = ["alerts", "signals", "incidents", "incident_alerts", "incident_signals"]
                #expect(!plan.contains { $0.hasPrefix("SCAN ") && tables.contains(String($0.split(separator: " ")[1])) }, "\(plan)")
                #expect(plan.contains { $0.hasPrefix("SEARCH incident_") && $0.contains("USING PRIMARY KEY (incident_id=?") }, "\(plan)")
                #expect(plan.contains { $0.hasPrefix("SEARCH incidents USING INTEGER PRIMARY KEY (rowid=?)") }, "\(plan)")
            }
            let indexes = try store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('alerts', 'signals')")
            }
            #expect(!indexes.contains("alerts_by_incident") && !indexes.contains("signals_by_incident"), "\(indexes)")
        }
    }
}
