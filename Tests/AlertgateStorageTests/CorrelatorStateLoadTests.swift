import AlertgateCore
import AlertgateStorage
import Testing

@Suite("loadCorrelatorState: the state rebuilt from committed rows")
struct CorrelatorStateLoadTests {
    @Test(arguments: StoreKind.allCases) func theLoadedStateIsTheStateOfTheCorrelatorThatCommitted(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            var batch: [StoreBatch.Entry] = []
            func flush() async throws {
                try await store.commit(StoreBatch(entries: batch))
                batch = []
            }
            batch.append(.ingest(feed.record(alert("api", "HighLatency", labels: ["team": "web"]), at: 0)))
            batch.append(.ingest(feed.record(alert("api", "ErrorRate"), at: 30)))
            batch.append(.ingest(feed.record(alert("db", "DiskFull", severity: .critical), at: 40)))
            try await flush()
            batch.append(.ingest(feed.record(alert("api", "HighLatency"), at: 60)))
            batch.append(.ingest(feed.record(alert("db", "DiskFull", status: .resolved), at: 100)))
            batch.append(.ingest(feed.record(alert("old", "Gone"), at: 110)))
            batch.append(.ingest(feed.record(alert("old", "Gone", status: .resolved), at: 120)))
            batch.append(.ingest(feed.record(alert("web", "Down"), at: 130)))
            let closing = try #require(feed.correlator.state.incidents.values.first { $0.key == "web" })
            batch.append(.outcome(try feed.correlator.apply(IncidentCommand(incidentID: closing.id, action: .close), at: at(140))))
            let acking = try #require(feed.correlator.state.incidents.values.first { $0.key == "api" })
            batch.append(.outcome(try feed.correlator.apply(IncidentCommand(incidentID: acking.id, action: .acknowledge), at: at(150))))
            try await flush()
            batch.append(.ingest(feed.record(Signal(kind: .change, source: .changes, service: "api", title: "deploy"), at: 160)))
            batch.append(.ingest(feed.record(alert("cache", "Evictions"), at: 1900)))
            // `old` was resolved at 120 s: by 1950 s its reopen window (1800 s) has passed.
            batch.append(.outcome(feed.correlator.expire(now: at(1950))))
            try await flush()

            let loaded = try await store.loadCorrelatorState(now: at(1950), reopenWindow: feed.correlator.config.reopenWindow)
            let live = feed.correlator.state
            #expect(loaded.alerts == live.alerts)
            #expect(loaded.incidents == live.incidents)
            #expect(loaded.nextSignalID == live.nextSignalID)
            #expect(loaded.nextAlertID == live.nextAlertID)
            #expect(loaded.nextIncidentID == live.nextIncidentID)
            #expect(loaded == live)
            #expect(!loaded.incidents.values.contains { $0.key == "old" || $0.key == "web" })

            // And it decides the next signals the same way.
            var restarted = Correlator(config: feed.correlator.config, state: loaded)
            for (signal, seconds) in [(alert("cache", "Evictions"), Int64(1960)), (alert("db", "DiskFull"), 1970),
                                      (alert("api", "Latency"), 1980), (alert("old", "Gone"), 1990)] {
                let a = feed.correlator.ingest(signal, receivedAt: at(seconds))
                let b = restarted.ingest(signal, receivedAt: at(seconds))
                #expect(a == b, "\(signal.service) \(signal.title)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases) func anEmptyStoreLoadsAFreshState(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            let loaded = try await store.loadCorrelatorState(now: at(0), reopenWindow: .seconds(1800))
            #expect(loaded == CorrelatorState())
        }
    }
}
