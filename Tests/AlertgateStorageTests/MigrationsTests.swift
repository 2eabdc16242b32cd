import AlertgateCore
import AlertgateStorage
import Testing

@Suite("Migrations: a new file gets the schema")
struct MigrationsTests {
    static let all = ["v1-initial", "v2-alert-ends-at", "v3-payload-dictionary", "v4-drop-signals-by-alert", "v5-transitions"]

    @Test func aNewFileIsMigratedAndReopensCleanly() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }

        let store = try SQLiteStore(path: database.path)
        #expect(try store.appliedMigrations() == MigrationsTests.all)
        #expect(try store.integrityCheck() == "ok")

        // Every table of v1 answers a query.
        let counts = try await store.counts()
        #expect(counts == StoreCounts(signals: 0, alerts: 0, incidents: 0, openIncidents: 0, payloadBytes: 0, originalBytes: 0))
        #expect(try await store.timeline(incidentID: 1).isEmpty)
        #expect(try await store.changes(services: ["api"], from: at(0), to: at(1), limit: 10).isEmpty)
        #expect(try await store.incidents(IncidentQuery()).isEmpty)
        #expect(try await store.alerts(incidentID: 1).isEmpty)

        var feed = Feed()
        let record = feed.record(alert("api", "HighLatency"), at: 0)
        try await store.commit(StoreBatch(entries: [.ingest(record)]))

        let reopened = try SQLiteStore(path: database.path)
        #expect(try reopened.appliedMigrations() == MigrationsTests.all)
        #expect(try reopened.integrityCheck() == "ok")
        #expect(try await reopened.counts().signals == 1)
        #expect(try await reopened.incident(id: 1)?.key == "api")
    }

    @Test func theStoreCreatesMissingFolders() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let nested = database.folder.appendingPathComponent("a/b/alertgate.sqlite").path
        let store = try SQLiteStore(path: nested)
        #expect(try store.appliedMigrations() == MigrationsTests.all)
    }
}
