import AlertgateCore
import AlertgateStorage
import Testing

@Suite("Folded repeats: counted in runs of their alert, not stored as signals")
struct FoldedRepeatsTests {
    @Test(arguments: StoreKind.allCases) func repeatsFoldIntoOneRunPerAlertAcrossBatchesAndRestarts(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed(config: CorrelationConfig(foldRepeats: true))
            let latency = alert("api", "HighLatency"), disk = alert("db", "DiskFull")
            // One body with both alerts, then three resends of it, two of them in one batch.
            try await store.commit(StoreBatch(entries: [.ingest(feed.record([latency, disk], at: 0))]))
            let first = try await store.counts()
            try await store.commit(StoreBatch(entries: [.ingest(feed.record([latency, disk], at: 60))]))
            try await store.commit(StoreBatch(entries: [
                .ingest(feed.record([latency, disk], at: 120)), .ingest(feed.record([latency, disk], at: 180)),
            ]))

            let counts = try await store.counts()
            #expect(counts.signals == 2 && first.signals == 2, "no signal row for a repeat")
            #expect(counts.repeatsFolded == 6)
            let runs = try await store.repeatRuns(alertID: 1, limit: 10)
            // Payloads 2, 3 and 4 carried the repeats: the run names its first and last.
            #expect(runs == [RepeatRun(alertID: 1, startedAt: at(60), lastAt: at(180), count: 3, firstPayloadID: 2, lastPayloadID: 4)])
            #expect(try await store.alert(id: 1)?.count == 4)
            #expect(try await store.alert(id: 1)?.runStartedAt == at(60))
            #expect(try await store.payload(id: 3) != nil, "every body is kept")

            // The state read back folds the next repeat into the same run, as before the restart.
            let loaded = try await store.loadCorrelatorState(now: at(200), reopenWindow: .seconds(1800))
            #expect(loaded == feed.correlator.state)
            var restarted = Correlator(config: feed.correlator.config, state: loaded)
            let next = restarted.ingest(latency, receivedAt: at(240))
            #expect(next.fold == Fold(alertID: 1, runStartedAt: at(60), at: at(240)))
            try await store.commit(StoreBatch(entries: [.ingest(IngestRecord(
                payload: feed.record([latency], at: 240).payload,
                signals: [PlacedSignal(signal: latency, item: 0, outcome: next, receivedAt: at(240))]))]))
            #expect(try await store.repeatRuns(alertID: 1, limit: 10).map(\.count) == [4])

            // A change is a signal again; the signals of the alert and its runs make its history.
            var changed = latency
            changed.description = "p99 over 2 s"
            try await store.commit(StoreBatch(entries: [.ingest(feed.record([changed], at: 300))]))
            let signals = try await store.signals(alertID: 1, incidentID: 1, limit: 10)
            #expect(signals.map(\.id) == [3, 1])
        }
    }

    @Test func runsGoWithTheirAlert() async throws {
        try await withTemporaryStore { store in
            var feed = Feed(config: CorrelationConfig(foldRepeats: true))
            let latency = alert("api", "HighLatency")
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(latency, at: 0)), .ingest(feed.record(latency, at: 60))]))
            #expect(try await store.repeatRuns(alertID: 1, limit: 10).count == 1)
            // Closed (which resolves its alert) and past the retention age: the incident goes with its alerts, and their runs.
            try await store.commit(StoreBatch(entries: [.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .close), at: at(70)))]))
            let counts = try await store.prune(RetentionCutoffs(incidentsClosedBefore: at(100)), batchSize: 100)
            #expect(counts.alerts == 1)
            #expect(try await store.repeatRuns(alertID: 1, limit: 10).isEmpty)
        }
    }
}
