import AlertgateCore
import AlertgateStorage
import Testing

/// The correlator holds firing alerts without their titles and labels (`LiveAlert`): the rows
/// keep them, and what names an alert reads them there.
@Suite("Alert rows: titles and labels kept by the store, not the live state")
struct AlertTitleTests {
    @Test(arguments: StoreKind.allCases) func theRowKeepsTheNewestTitleAndTheFirstLabels(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let first = alert("api", "p99 over 1 s", labels: ["alertname": "HighLatency", "pod": "api-1"])
            var newer = first
            newer.title = "p99 over 2 s"
            newer.occurredAt = at(60)
            var older = first
            older.title = "p99 over 0.5 s"
            older.occurredAt = at(30)
            // New and repeated within one batch: inserted once, with its labels and the newer title.
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(first, at: 0)), .ingest(feed.record(newer, at: 60))]))
            var row = try #require(try await store.alert(id: 1))
            #expect(row.title == "p99 over 2 s" && row.labels == ["alertname": "HighLatency", "pod": "api-1"] && row.count == 2)
            // A repeat placed before the last one by its own time does not change the title.
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(older, at: 61))]))
            row = try #require(try await store.alert(id: 1))
            #expect(row.title == "p99 over 2 s" && row.count == 3)
            #expect(LiveAlert(row) == feed.correlator.state.alerts[1], "the live part is what the row holds")

            // Its timeout names it on the timeline by the title in its row.
            try await store.commit(StoreBatch(entries: [.outcome(feed.correlator.expire(now: at(1000)))]))
            let texts = try await store.timeline(incidentID: 1).filter { $0.entry.kind == .alertResolved }.map(\.entry.text)
            #expect(texts == ["p99 over 2 s: no repeat within resolve_timeout"])
        }
    }

    /// A flapping alert's timeline line names it by the title in its row too.
    @Test(arguments: StoreKind.allCases) func aFlappingAlertIsNamedByItsRow(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let firing = alert("api", "Disk almost full", labels: ["alertname": "DiskFull"])
            var resolved = firing
            resolved.status = .resolved
            // Four resolves within the flapping window: more than the default 3 within 30 min.
            var entries: [StoreBatch.Entry] = []
            for cycle in 0..<4 {
                entries.append(.ingest(feed.record(firing, at: Int64(cycle * 120))))
                entries.append(.ingest(feed.record(resolved, at: Int64(cycle * 120 + 60))))
            }
            try await store.commit(StoreBatch(entries: entries))
            let texts = try await store.timeline(incidentID: 1).filter { $0.entry.kind == .flapping }.compactMap(\.entry.text)
            #expect(texts.count == 1)
            #expect(texts.first?.hasPrefix("Disk almost full: resolved 4 times within 30m: flapping;") == true, "\(texts)")
        }
    }
}
