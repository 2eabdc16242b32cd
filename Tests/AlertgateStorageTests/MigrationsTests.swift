import AlertgateCompression
import AlertgateCore
import AlertgateStorage
import Foundation
import Testing

@Suite("Migrations: a new file gets the schema; a file of each release upgrades")
struct MigrationsTests {
    static let all = ["v1-initial", "v2-alert-ends-at", "v3-payload-dictionary", "v4-drop-signals-by-alert", "v5-transitions", "v6-classification-and-silences",
                      "v7-notifications-and-audit", "v8-incremental-vacuum", "v9-retention-indexes",
                      "v10-folded-repeats", "v11-incident-services", "v12-payload-xor-delta", "v13-compact-rows",
                      "v14-component-states", "v15-heartbeats",
                      "v16-transitions-by-alert", "v17-timeline-by-alert", "v18-incident-lists"]
    /// The released versions, each kept as fixtures/schema/<name>.sqlite. When one more is
    /// released, add it here and to `released` in Sources/schema-fixtures/main.swift, then run
    /// scripts/make-schema-fixtures.
    static let released = Array(all.prefix(7))

    /// `fixtures/schema` in the package, found from this source file's path.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/schema")

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

    // MARK: - Files written by older releases

    @Test func everyReleasedVersionHasAFixture() throws {
        #expect(SchemaHistory.migrations == Self.all)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".sqlite") }
        #expect(files.sorted() == Self.released.map { "\($0).sqlite" })
    }

    /// Opens a copy of what an older release wrote (see Sources/schema-fixtures/main.swift for
    /// the story and what each release wrote) with the current code.
    @Test(arguments: released)
    func aFileOfAnOlderReleaseUpgrades(_ migration: String) async throws {
        let version = try #require(Self.released.firstIndex(of: migration)) + 1
        let database = TemporaryDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(at: database.folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("\(migration).sqlite"),
                                         to: URL(fileURLWithPath: database.path))

        let store = try SQLiteStore(path: database.path)
        #expect(try store.appliedMigrations() == Self.all)
        #expect(try store.integrityCheck() == "ok")
        // v8: rewritten in incremental-vacuum mode at the first start.
        #expect(try store.fileStats().autoVacuum == DatabaseFileStats.incremental)
        // The upgraded schema is a new file's, to the letter: no shipped migration was edited.
        let fresh = database.folder.appendingPathComponent("fresh.sqlite").path
        try SchemaHistory.createDatabase(at: fresh, upTo: try #require(Self.all.last))
        #expect(try SchemaHistory.schema(ofDatabaseAt: database.path) == SchemaHistory.schema(ofDatabaseAt: fresh))

        try await Self.expectTheStory(in: store, version: version)
        // v6 gave every incident its rule severity: the severity it had.
        let upgraded = try #require(try await store.incident(id: 2))
        #expect(upgraded.ruleSeverity == .sev1 && upgraded.oncall == nil && upgraded.holdUntil == nil)
        #expect(try await store.alerts(incidentID: 2).allSatisfy { !$0.flapping })
        // v7 gave incidents labels (none before) and an escalation that has taken no step; the
        // outbox and the audit log start empty, except in a file v7 wrote.
        #expect(upgraded.escalationStep == 0 && upgraded.escalatedAt == nil)
        if version >= 7 {
            #expect(upgraded.labels == Self.diskFullLabels)
            let outbox = try await store.notifications(incidentID: 2)
            #expect(outbox.map(\.id) == [2, 4, 5, 6])
            #expect(outbox.map(\.status) == [.delivered, .pending, .delivered, .pending])
            #expect(outbox.map(\.isRepeat) == [false, true, false, false])
            #expect(outbox.last?.lastError == "HTTP 503" && outbox.last?.kind == .incidentResolved && outbox.last?.dueAt == at(62))
            #expect(outbox.first?.transitionAt == at(0) && outbox.first?.deliveredAt == at(1))
            #expect(try await store.notifications(incidentID: 1).map(\.id) == [1, 3])
            // The resolution's retry; repeats not yet attempted are not counted.
            #expect(try await store.pendingNotificationCount() == 1)
            #expect(try await store.auditEntries(beforeID: nil, limit: 10).map(\.path) == ["/api/v1/incidents/2/acknowledge", "/api/v2/silences"])
        } else {
            #expect(upgraded.labels.isEmpty)
            #expect(try await store.notifications(incidentID: 2).isEmpty)
            #expect(try await store.auditEntries(beforeID: nil, limit: 10).isEmpty)
        }
        if version >= 6 {
            let silences = try await store.silences()
            #expect(silences.count == 1 && silences.first?.createdBy == "bob" && silences.first?.matchers.map(\.description) == ["service=db"])
        }
        try await Self.expectANewCommit(on: store, transitionsBefore: version >= 5 ? 7 : 0)
    }

    // MARK: - The story the fixtures hold

    static let highLatencyLabels = ["alertname": "HighLatency", "instance": "api-1:9090", "service": "api", "severity": "error"]
    static let diskFullLabels = ["alertname": "DiskFull", "instance": "db-1:9100", "service": "db", "severity": "critical", "team": "storage"]

    /// Incidents got the labels of their opening signal in v7: older files hold none.
    static func openIncident(version: Int) -> IncidentState {
        var incident = IncidentState(
            id: 1, key: "api", title: "HighLatency", status: .open, severity: .sev2, type: .degradation, service: "api", services: ["api"],
            owner: nil, detectedBy: .monitoring, openedAt: at(0), lastActivity: at(60), signalCount: 2, alertCount: 1, reportCount: 0)
        if version >= 7 { incident.labels = highLatencyLabels }
        return incident
    }

    static func resolvedIncident(version: Int) -> IncidentState {
        var incident = IncidentState(
            id: 2, key: "db", title: "DiskFull", status: .resolved, severity: .sev1, type: .outage, service: "db", services: ["db"],
            owner: "storage", detectedBy: .monitoring, openedAt: at(0), acknowledgedAt: at(45), resolvedAt: at(60),
            lastActivity: at(60), signalCount: 2, alertCount: 1, reportCount: 0)
        if version >= 7 { incident.labels = diskFullLabels }
        return incident
    }

    /// Alerts got `ends_at` in v2: a v1 file holds none.
    static func firingAlert(version: Int) -> AlertState {
        AlertState(id: 1, fingerprint: Fingerprint("0967c5e33ca57adf"), incidentID: 1, status: .firing, kind: .alert, service: "api",
                   title: "HighLatency", severity: .error, labels: highLatencyLabels, firstSeen: at(0), lastSeen: at(60),
                   resolvedAt: nil, count: 2, endsAt: version >= 2 ? at(300) : nil)
    }

    static func resolvedAlert(version: Int) -> AlertState {
        AlertState(id: 2, fingerprint: Fingerprint("c82448530022f7d2"), incidentID: 2, status: .resolved, kind: .alert, service: "db",
                   title: "DiskFull", severity: .critical, labels: diskFullLabels, firstSeen: at(0), lastSeen: at(0),
                   resolvedAt: at(60), count: 1, endsAt: version >= 2 ? at(240) : nil)
    }

    /// The original bodies the generator compressed, kept next to the databases.
    static func body(ofPayload id: Int64) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent("payload-\(id).json")))
    }

    static func expectTheStory(in store: SQLiteStore, version: Int) async throws {
        let openIncident = Self.openIncident(version: version)
        #expect(try await store.incident(id: 1) == openIncident)
        #expect(try await store.incident(id: 2) == resolvedIncident(version: version))
        #expect(try await store.incidents(IncidentQuery()).map(\.id) == [2, 1])
        var open = IncidentQuery()
        open.statuses = [.open, .acknowledged]
        #expect(try await store.incidents(open) == [openIncident])
        var db = IncidentQuery()
        db.service = "db"
        #expect(try await store.incidents(db).map(\.id) == [2], "incident_services is filled from the incidents of an older file")
        #expect(try await store.alerts(incidentID: 1) == [firingAlert(version: version)])
        #expect(try await store.alerts(incidentID: 2) == [resolvedAlert(version: version)])

        #expect(try await store.signals(incidentID: 1, beforeID: nil, limit: 10).map(\.id) == [4, 1])
        #expect(try await store.signals(incidentID: 2, beforeID: nil, limit: 10).map(\.id) == [5, 2])
        #expect(try await store.signal(id: 3) == StoredSignal(
            id: 3, payloadID: 2, item: 0, kind: .change, source: .changes, status: .firing, decision: .recorded, severity: .info,
            receivedAt: at(30), at: at(30), alertID: nil, incidentID: nil, fingerprint: "4a3f585727ef7c3d", service: "api",
            title: "Deploy api v2.4.1",
            why: Why(rule: "change.recorded", key: "api", detail: "Change events are kept as rollback candidates and open no incident.")))
        #expect(try await store.signal(id: 5) == StoredSignal(
            id: 5, payloadID: 3, item: 1, kind: .alert, source: .alertmanagerAPI, status: .resolved, decision: .resolved,
            severity: .critical, receivedAt: at(60), at: at(60), alertID: 2, incidentID: 2, fingerprint: "c82448530022f7d2",
            service: "db", title: "DiskFull", why: Why(rule: "resolve.signal", key: "c82448530022f7d2", detail: "The sender resolved alert 2.")))
        let repeated = try #require(try await store.signal(id: 4))
        #expect(repeated.decision == .repeat && repeated.why.window == "resolve_timeout" && repeated.why.windowSeconds == 300)

        #expect(try await store.timeline(incidentID: 1).map(\.entry) == [
            TimelineEntry(incidentID: 1, at: at(0), kind: .opened, text: "HighLatency", signalID: 1),
        ])
        let timeline = try await store.timeline(incidentID: 2)
        #expect(timeline.map(\.id) == [2, 3, 4, 5])
        #expect(timeline.map(\.entry) == [
            TimelineEntry(incidentID: 2, at: at(0), kind: .opened, text: "DiskFull", signalID: 2),
            TimelineEntry(incidentID: 2, at: at(45), kind: .acknowledged, by: "bob", text: "on it: clearing old WAL segments"),
            TimelineEntry(incidentID: 2, at: at(60), kind: .alertResolved, text: "DiskFull: resolved by its sender", signalID: 5, alertID: 2),
            TimelineEntry(incidentID: 2, at: at(60), kind: .resolved, text: "All alerts resolved.", signalID: 5),
        ])
        #expect(try await store.changes(services: ["api", "db"], from: at(0), to: at(600), limit: 10) == [
            StoredChange(signalID: 3, service: "api", title: "Deploy api v2.4.1", description: "Rolling update to v2.4.1", at: at(30),
                         sender: "ci", links: [SignalLink(href: "https://ci.example.com/runs/4242", text: "CI run 4242")]),
        ])

        // Every payload restores byte for byte; from v3 on, payload 3 is stored against payload 1.
        let sources: [SignalSource] = [.alertmanagerAPI, .changes, .alertmanagerAPI]
        var originalBytes = 0
        var compressedOneByOne: [Int] = []
        for (index, source) in sources.enumerated() {
            let id = Int64(index + 1)
            let body = try body(ofPayload: id)
            let receivedAt = at(30 * Int64(index))
            #expect(try await store.payload(id: id) == RawPayload(id: id, source: source, contentType: "application/json",
                                                                  receivedAt: receivedAt, bytes: body))
            originalBytes += body.count
            // At level 6, as the fixtures' payloads were stored in full (before `fullLevel` was 1).
            compressedOneByOne.append(Zlib.compress(body, level: 6).count)
        }
        #expect(try await store.payload(id: 4) == nil)
        let counts = try await store.counts()
        #expect(counts.signals == 5 && counts.alerts == 2 && counts.incidents == 2 && counts.openIncidents == 1)
        #expect(counts.originalBytes == Int64(originalBytes))
        #expect(counts.payloadBytes > 0 && counts.payloadBytes < Int64(originalBytes))
        // The dictionary saves more than half of what zlib alone makes of the resend.
        let saved = compressedOneByOne.reduce(0, +) - Int(counts.payloadBytes)
        #expect(version >= 3 ? saved > compressedOneByOne[2] / 2 : saved < compressedOneByOne[2] / 2)

        let state = try await store.loadCorrelatorState(now: at(120), reopenWindow: .seconds(30))
        #expect(state.alerts == [1: LiveAlert(firingAlert(version: version))])
        #expect(state.incidents == [1: openIncident])
        #expect(state.nextSignalID == 6 && state.nextAlertID == 3 && state.nextIncidentID == 3)
        // Within its reopen window, the resolved incident is held too.
        #expect(try await store.loadCorrelatorState(now: at(120), reopenWindow: .seconds(1800)).incidents.keys.sorted() == [1, 2])
    }

    /// A correlator started from the upgraded file repeats its firing alert and opens a new
    /// incident; the commit's ids follow the old ones and it writes transitions.
    static func expectANewCommit(on store: SQLiteStore, transitionsBefore: Int = 0) async throws {
        // Files of v5 on hold the story's seven transitions; older ones none.
        let earlier = try await store.transitions(after: 0, limit: 100)
        #expect(earlier.count == transitionsBefore)
        var feed = Feed()
        feed.correlator = Correlator(state: try await store.loadCorrelatorState(now: at(120), reopenWindow: .seconds(1800)))
        let record = feed.record([alert("api", "HighLatency", labels: highLatencyLabels), alert("web", "Down", severity: .critical)], at: 120)
        try await store.commit(StoreBatch(entries: [.ingest(record)]))

        let repeated = try #require(try await store.signal(id: 6))
        #expect(repeated.payloadID == 4 && repeated.decision == .repeat && repeated.alertID == 1 && repeated.incidentID == 1)
        let opened = try #require(try await store.signal(id: 7))
        #expect(opened.payloadID == 4 && opened.decision == .opened && opened.alertID == 3 && opened.incidentID == 3)
        #expect(try await store.alerts(incidentID: 1).map(\.count) == [3])
        #expect(try await store.incident(id: 3)?.key == "web")
        #expect(try await store.payload(id: 4)?.bytes == Array("{\"signals\":2}".utf8))
        let counts = try await store.counts()
        #expect(counts.signals == 7 && counts.alerts == 3 && counts.incidents == 3 && counts.openIncidents == 2)

        let transitions = try await store.transitions(after: Int64(earlier.count), limit: 10)
        #expect(transitions.map(\.sequence) == Array(Int64(earlier.count + 1)...Int64(earlier.count + transitions.count)))
        #expect(transitions.contains { $0.transition.kind == .incidentOpened && $0.transition.incidentID == 3 })
        #expect(transitions.contains { $0.transition.kind == .alertFiring && $0.transition.alertID == 3 })
        #expect(try store.integrityCheck() == "ok")
    }
}

@Suite("Component states (v14): what engineers set on the status page survives a reopen")
struct ComponentStateStoreTests {
    @Test func aStateIsSetReplacedAndClearedAndKeptAcrossAReopen() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        try await store.setComponentState(ComponentStateOverride(service: "checkout", state: "major_outage", setBy: "ops", setAt: at(1)))
        try await store.setComponentState(ComponentStateOverride(service: "search", state: "under_maintenance", setBy: nil, setAt: at(2)))
        try await store.setComponentState(ComponentStateOverride(service: "checkout", state: "degraded_performance", setBy: "dana", setAt: at(3)))
        let reopened = try SQLiteStore(path: database.path)
        #expect(try await reopened.componentStates() == [
            ComponentStateOverride(service: "checkout", state: "degraded_performance", setBy: "dana", setAt: at(3)),
            ComponentStateOverride(service: "search", state: "under_maintenance", setBy: nil, setAt: at(2)),
        ])
        #expect(try await reopened.clearComponentState(service: "checkout"))
        #expect(try await !reopened.clearComponentState(service: "checkout"))
        #expect(try await reopened.componentStates().map(\.service) == ["search"])
    }
}
