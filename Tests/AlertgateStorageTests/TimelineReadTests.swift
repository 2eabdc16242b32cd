import AlertgateCore
@testable import AlertgateStorage
import GRDB
import Testing

/// An incident's timeline is read in two halves (v17): its own lines by incident, its alerts'
/// lines by alert (the incident's alerts from its list, v18). Read back, it is the lines the
/// correlator made for it, in their order.
@Suite("Timeline: an incident's own lines and its alerts' read as one")
struct TimelineReadTests {
    @Test(arguments: StoreKind.allCases) func anIncidentsTimelineIsItsLinesInTheOrderMade(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            var made: [TimelineEntry] = []
            func commit(_ record: IngestRecord) async throws {
                made += record.signals.flatMap(\.outcome.timeline)
                try await store.commit(StoreBatch(entries: [.ingest(record)]))
            }
            // Two incidents whose lines interleave: each opens and gets a second alert; the
            // first then has an acknowledgement and an alert's resolve, the second its sender's
            // acknowledgement.
            try await commit(feed.record(alert("api", "HighLatency"), at: 0))
            try await commit(feed.record(alert("db", "DiskFull"), at: 5))
            try await commit(feed.record(alert("api", "ErrorRate"), at: 10))
            try await commit(feed.record(alert("db", "ReplicaLag"), at: 15))
            // The sender acknowledges incident 2 through its first alert: a line of that alert.
            try await commit(feed.record(alert("db", "DiskFull", status: .acknowledged), at: 18))
            let ack = try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .acknowledge, by: "alice"), at: at(20))
            made += ack.timeline
            try await store.commit(StoreBatch(entries: [.outcome(ack)]))
            try await commit(feed.record(alert("api", "HighLatency", status: .resolved), at: 30))

            for incident: Int64 in [1, 2] {
                let expected = made.filter { $0.incidentID == incident }
                // Lines of both kinds, an incident's own after one of an alert: the two reads merge.
                let kinds = expected.map(\.kind)
                #expect(kinds.contains(.attached) && kinds.contains(.opened))
                let stored = try await store.timeline(incidentID: incident)
                #expect(stored.map(\.entry.kind) == kinds, "incident \(incident)")
                #expect(stored.map(\.entry.alertID) == expected.map(\.alertID), "incident \(incident)")
                #expect(stored.map(\.entry.at) == expected.map(\.at), "incident \(incident)")
                #expect(stored.allSatisfy { $0.entry.incidentID == incident })
                #expect(stored.map(\.id) == stored.map(\.id).sorted())
            }
            let first = try await store.timeline(incidentID: 1).map(\.entry.kind)
            #expect(first.firstIndex(of: .acknowledged).map { $0 > (first.firstIndex(of: .attached) ?? .max) } == true)
            #expect(first.last == .alertResolved)
            let second = try await store.timeline(incidentID: 2)
            #expect(second.last.map { $0.entry.kind == .acknowledged && $0.entry.alertID == 2 } == true)
        }
    }

    /// Both halves of the read go by an index or key: neither scans `timeline` or `alerts`, only
    /// the incident's list of alerts is (v18, by `json_each`).
    @Test func theTimelineIsReadByItsIndexes() async throws {
        try await withTemporaryStore { store in
            let plan = try store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.timelineOfAnIncident, arguments: [1]).map { $0["detail"] as String }
            }
            #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") || $0.contains("VIRTUAL TABLE") }, "\(plan)")
            for index in ["timeline_of_incidents", "timeline_of_alerts"] {
                #expect(plan.contains { $0.contains("USING INDEX \(index)") || $0.contains("USING COVERING INDEX \(index)") }, "\(index): \(plan)")
            }
            #expect(plan.contains { $0.hasPrefix("SEARCH incident_alerts USING PRIMARY KEY") }, "\(plan)")
        }
    }
}
