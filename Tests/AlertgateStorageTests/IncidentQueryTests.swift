import AlertgateCore
import AlertgateStorage
import Testing

@Suite("Incident queries: filters and the beforeID cursor")
struct IncidentQueryTests {
    /// Five incidents, grouped by cluster:
    /// 1 eu-1 api+db, SEV1 outage, open · 2 us-1 db, SEV3, open · 3 ap-1 web report, SEV4 user issue, open
    /// · 4 sa-1 cache, SEV2, resolved · 5 eu-2 queue, SEV2, acknowledged.
    static func fill(_ store: any StoreWriter & StoreReader) async throws {
        var feed = Feed(config: CorrelationConfig(groupBy: ["cluster"]))
        var entries: [StoreBatch.Entry] = [
            .ingest(feed.record(alert("api", "Checkout latency high", severity: .critical, labels: ["cluster": "eu-1"]), at: 0)),
            .ingest(feed.record(alert("db", "Replica lag", severity: .warning, labels: ["cluster": "eu-1"]), at: 10)),
            .ingest(feed.record(alert("db", "Disk almost full", severity: .warning, labels: ["cluster": "us-1"]), at: 20)),
            .ingest(feed.record(Signal(kind: .report, source: .reports, service: "web", title: "checkout broken 100%_off",
                                       severity: .info, labels: ["cluster": "ap-1"]), at: 30)),
            .ingest(feed.record(alert("cache", "Evictions", labels: ["cluster": "sa-1"]), at: 40)),
            .ingest(feed.record(alert("cache", "Evictions", status: .resolved, labels: ["cluster": "sa-1"]), at: 50)),
            .ingest(feed.record(alert("queue", "Backlog", labels: ["cluster": "eu-2"]), at: 60)),
        ]
        entries.append(.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 5, action: .acknowledge), at: at(70))))
        try await store.commit(StoreBatch(entries: entries))
    }

    static func ids(_ store: any StoreWriter & StoreReader, _ configure: (inout IncidentQuery) -> Void) async throws -> [Int64] {
        var query = IncidentQuery()
        configure(&query)
        return try await store.incidents(query).map(\.id)
    }

    @Test(arguments: StoreKind.allCases) func filters(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            try await Self.fill(store)
            #expect(try await Self.ids(store) { _ in } == [5, 4, 3, 2, 1])

            #expect(try await Self.ids(store) { $0.statuses = [.resolved] } == [4])
            #expect(try await Self.ids(store) { $0.statuses = [.open] } == [3, 2, 1])
            #expect(try await Self.ids(store) { $0.statuses = [.open, .acknowledged] } == [5, 3, 2, 1])
            #expect(try await Self.ids(store) { $0.statuses = [.closed] } == [])

            #expect(try await Self.ids(store) { $0.service = "db" } == [2, 1], "the second service of incident 1 counts")
            #expect(try await Self.ids(store) { $0.service = "api" } == [1])
            #expect(try await Self.ids(store) { $0.service = "d" } == [], "a service matches whole")
            #expect(try await Self.ids(store) { $0.service = "%" } == [])

            #expect(try await Self.ids(store) { $0.severities = [.sev1] } == [1])
            #expect(try await Self.ids(store) { $0.severities = [.sev3] } == [2])
            #expect(try await Self.ids(store) { $0.severities = [.sev1, .sev4] } == [3, 1])
            #expect(try await Self.ids(store) { $0.types = [.userIssue] } == [3])

            #expect(try await Self.ids(store) { $0.text = "checkout" } == [3, 1], "text matches titles, ignoring case")
            #expect(try await Self.ids(store) { $0.text = "%" } == [3], "% is a character, not a wildcard")
            #expect(try await Self.ids(store) { $0.text = "0_o" } == [], "_ is a character, not a wildcard")
            #expect(try await Self.ids(store) { $0.text = "eu-" } == [5, 1], "text matches keys")

            #expect(try await Self.ids(store) { $0.statuses = [.open]; $0.service = "db"; $0.severities = [.sev3] } == [2])
            #expect(try await Self.ids(store) { $0.since = at(20); $0.until = at(40) } == [3, 2])
        }
    }

    @Test(arguments: StoreKind.allCases) func theBeforeIDCursorPagesThroughInDescendingOrder(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            try await Self.fill(store)
            var pages: [[Int64]] = []
            var cursor: Int64?
            repeat {
                let page = try await Self.ids(store) { $0.limit = 2; $0.beforeID = cursor }
                if page.isEmpty { break }
                pages.append(page)
                cursor = page.last
            } while pages.count < 10
            #expect(pages == [[5, 4], [3, 2], [1]])
            #expect(try await Self.ids(store) { $0.beforeID = 1 } == [])
            #expect(try await Self.ids(store) { $0.beforeID = 4; $0.statuses = [.open] } == [3, 2, 1])
        }
    }

    @Test func aServiceListsTheIncidentsItSpreadToLaterAndLosesThoseRetentionDeletes() async throws {
        try await withTemporaryStore { store in
            var feed = Feed(config: CorrelationConfig(groupBy: ["cluster"]))
            for (index, cluster) in ["eu-1", "eu-2", "eu-3"].enumerated() {
                try await store.commit(StoreBatch(entries: [
                    .ingest(feed.record(alert("api", "Latency", labels: ["cluster": cluster]), at: Int64(index))),
                ]))
            }
            #expect(try await Self.ids(store) { $0.service = "db" } == [])
            // Incident 2 spreads to db in a later commit: the stored incident is updated, not inserted.
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("db", "Lag", labels: ["cluster": "eu-2"]), at: 10))]))
            #expect(try await Self.ids(store) { $0.service = "db" } == [2])
            #expect(try await Self.ids(store) { $0.service = "api" } == [3, 2, 1])
            #expect(try await Self.ids(store) { $0.service = "api"; $0.beforeID = 3; $0.limit = 1 } == [2], "the cursor pages within a service")
            #expect(try await Self.ids(store) { $0.service = "api"; $0.beforeID = 2 } == [1])

            // Closed and past the retention age, incident 2 is deleted: neither of its services lists it.
            try await store.commit(StoreBatch(entries: [.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 2, action: .close), at: at(20)))]))
            #expect(try await store.prune(RetentionCutoffs(incidentsClosedBefore: at(100)), batchSize: 100).incidents == 1)
            #expect(try await Self.ids(store) { $0.service = "db" } == [])
            #expect(try await Self.ids(store) { $0.service = "api" } == [3, 1])
        }
    }

    @Test(arguments: StoreKind.allCases) func anIncidentReadsBackAsItWasCommitted(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let record = feed.record(alert("api", "HighLatency", severity: .critical, labels: ["owner": "payments"]), at: 0)
            try await store.commit(StoreBatch(entries: [.ingest(record)]))
            let id = try #require(record.signals.first?.outcome.incidentID)
            #expect(try await store.incident(id: id) == feed.correlator.state.incidents[id])
            #expect(try await store.alerts(incidentID: id).map(LiveAlert.init) == Array(feed.correlator.state.alerts.values))
            #expect(try await store.incident(id: 99) == nil)
        }
    }
}
