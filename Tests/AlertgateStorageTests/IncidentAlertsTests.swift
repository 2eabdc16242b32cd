import AlertgateCore
@testable import AlertgateStorage
import GRDB
import Testing

/// An incident's alerts are listed in its own row and in `incident_alerts` (v18), not found by
/// an index of `alerts`: what reads them (the incident's alerts, its timeline, retention) sees
/// every alert it was made with, however many, across the list's filing and a restart.
@Suite("Incident alerts: listed in the incident's row, filed in `incident_alerts`")
struct IncidentAlertsTests {
    /// Alerts of two incidents, interleaved over many commits: the first's list is filed more
    /// than once (`incident_alerts_filed`, at 240 characters: ~60 ids of three digits).
    static let apiAlerts = 200
    static let dbAlerts = 7

    static func fill(_ store: some StoreWriter, feed: inout Feed) async throws {
        var seconds: Int64 = 0
        for name in 0..<apiAlerts {
            var records = [feed.record(alert("api", "Api\(name)"), at: seconds)]
            if name < dbAlerts { records.append(feed.record(alert("db", "Db\(name)"), at: seconds)) }
            try await store.commit(StoreBatch(entries: records.map { .ingest($0) }))
            seconds += 1
        }
    }

    @Test(arguments: StoreKind.allCases) func anIncidentsAlertsAreAllReadBack(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            try await Self.fill(store, feed: &feed)
            let api = try await store.alerts(incidentID: 1)
            let db = try await store.alerts(incidentID: 2)
            #expect(api.count == Self.apiAlerts && db.count == Self.dbAlerts)
            #expect(api.allSatisfy { $0.incidentID == 1 } && db.allSatisfy { $0.incidentID == 2 })
            #expect(api.map(\.id) == api.map(\.id).sorted() && Set(api.map(\.id)).count == api.count)
            #expect(Set(api.map(\.title)) == Set((0..<Self.apiAlerts).map { "Api\($0)" }))
            // Every alert's `attached` line is in its incident's timeline, through the same list.
            let attached = try await store.timeline(incidentID: 1).filter { $0.entry.kind == .attached }
            #expect(attached.compactMap(\.entry.alertID).sorted() == Array(api.map(\.id).dropFirst()))
        }
    }

    /// The list is kept by the database: a reopened file reads the same, and an alert added after
    /// the restart lands in it.
    @Test func theListOutlivesARestartAndFilesInPieces() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        var feed = Feed()
        var before: [Int64] = []
        do {
            let store = try SQLiteStore(path: database.path)
            try await Self.fill(store, feed: &feed)
            before = try await store.alerts(incidentID: 1).map(\.id)
        }
        let reopened = try SQLiteStore(path: database.path)
        #expect(try await reopened.alerts(incidentID: 1).map(\.id) == before)
        try await reopened.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "AfterRestart"), at: 1_000))]))
        let after = try await reopened.alerts(incidentID: 1)
        #expect(after.map(\.id) == before + [try #require(before.last) + 1] && after.last?.title == "AfterRestart")

        let (filed, open) = try await reopened.pool.read { db in
            (try String.fetchAll(db, sql: "SELECT alert_ids FROM incident_alerts WHERE incident_id = 1 ORDER BY first_alert_id"),
             try String.fetchOne(db, sql: "SELECT open_alert_ids FROM incidents WHERE id = 1"))
        }
        // Filed in pieces, each a run of ids in order; the newest still in the incident's row.
        #expect(filed.count >= 2, "\(filed)")
        let pieces = try filed.map { try JSONText.decode([Int64].self, $0) } + [try #require(open).split(separator: ",").map { try #require(Int64($0)) }]
        #expect(pieces.flatMap { $0 } == after.map(\.id))
    }

    /// Retention takes an incident's alerts and its list with it, and leaves another's alone.
    @Test func retentionDeletesTheListWithItsIncident() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            try await Self.fill(store, feed: &feed)
            try await store.commit(StoreBatch(entries: [.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .close), at: at(200)))]))
            let counts = try await store.prune(RetentionCutoffs(incidentsClosedBefore: at(10 * 86_400)), batchSize: 16)
            #expect(counts.incidents == 1 && counts.alerts == Self.apiAlerts)
            #expect(try await store.rowCount("incident_alerts", where: "incident_id = 1") == 0)
            #expect(try await store.rowCount("alerts", where: "incident_id = 1") == 0)
            #expect(try await store.alerts(incidentID: 2).count == Self.dbAlerts)
        }
    }

    /// The reads go by keys: the list's two tables by incident, the alerts by id. Only the
    /// lists' own `json_each` is a scan.
    @Test func theIncidentsAlertsAreReadByKeys() async throws {
        try await withTemporaryStore { store in
            let plan = try store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.alertIDsOfAnIncident, arguments: [1]).map { $0["detail"] as String }
            }
            #expect(plan.filter { $0.hasPrefix("SCAN") }.allSatisfy { $0.contains("VIRTUAL TABLE") }, "\(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH incident_alerts USING PRIMARY KEY (incident_id=?)") }, "\(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH incidents USING INTEGER PRIMARY KEY (rowid=?)") }, "\(plan)")
            let indexes = try store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts' ORDER BY name")
            }
            #expect(!indexes.contains("alerts_by_incident"), "\(indexes)")
        }
    }
}
