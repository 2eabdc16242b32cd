import AlertgateCore
@testable import AlertgatePostgres
import AlertgateStorage
import AlertgateTesting
import Testing

/// Several stores on one PostgreSQL database, as replicas hold them.
@Suite struct PostgresReplicaTests {
    @Test func replicasClaimingTheOutboxAtOnceTakeEachRowOnce() async throws {
        let url = try await TemporaryPostgres.database()
        let writer = try await PostgresStore.open(url: url)
        var feed = NotificationOutboxTests.feed(routes: [Route(name: "all", receivers: ["hook"], groupWait: .zero)])
        let services = (0..<40).map { "svc-\($0)" }
        try await writer.commit(StoreBatch(entries: [.ingest(feed.record(services.map { alert($0, "Down") }, at: 0))]))
        let replicas = [writer, try await PostgresStore.open(url: url), try await PostgresStore.open(url: url)]
        // Each replica claims small batches at once until nothing is left: the claims are disjoint.
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for replica in replicas {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let batch = try await replica.claimDueNotifications(now: at(1), leaseUntil: at(60), limit: 3)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        let all = claimed.flatMap { $0 }
        #expect(all.count == services.count && Set(all).count == services.count, "\(claimed)")
        #expect(try await writer.notifications(status: .pending, beforeID: nil, limit: 100).allSatisfy { $0.attempts == 1 })
        for replica in replicas { await replica.close() }
    }

    /// Two stores writing in turns, each with its own correlator: a turn tells each what the
    /// other wrote since its own last commit, and a correlator that takes it places the next
    /// signal as one correlator would have placed both.
    @Test func aTurnBringsTheCorrelatorUpToWhatTheOtherGatewayWrote() async throws {
        let url = try await TemporaryPostgres.database()
        let (first, second) = (try await PostgresStore.open(url: url, sharing: .turns), try await PostgresStore.open(url: url, sharing: .turns))
        var (a, b) = (Feed(), Feed())
        do {
            // The first turn of each knows nothing yet: the correlator is loaded whole.
            guard case .unknown = try await first.beginTurn() else { throw Failure("a first turn starts from the whole state") }
            try await first.commit(StoreBatch(entries: [.ingest(a.record([alert("api", "Down"), alert("db", "Slow")], at: 0))]))
            try await first.endTurn()

            guard case .unknown = try await second.beginTurn() else { throw Failure("a first turn starts from the whole state") }
            b.correlator = Correlator(config: b.correlator.config, state: try await second.loadCorrelatorState(now: at(1), reopenWindow: .seconds(1800)))
            // The repeat joins the first's alert; a new alert gets the next ids.
            try await second.commit(StoreBatch(entries: [.ingest(b.record([alert("api", "Down"), alert("cache", "Down")], at: 1))]))
            try await second.endTurn()

            // The first learns of both: the repeated alert and the new one with its incident.
            guard case .behind(let changes) = try await first.beginTurn() else { throw Failure("the first is behind the second") }
            #expect(changes.alerts.map(\.id) == [1, 3])
            #expect(changes.alerts.first?.count == 2)
            #expect(changes.incidents.map(\.service).sorted() == ["api", "cache"])
            #expect(changes.lastSignalID == 4 && changes.lastAlertID == 3)
            a.correlator.apply(changes)
            let placed = a.record([alert("cache", "Down"), alert("web", "Down")], at: 2)
            #expect(placed.signals.map(\.outcome.alertID) == [3, 4], "a repeat of the second's alert, then the next id")
            #expect(placed.signals.map(\.outcome.signalID) == [5, 6])
            try await first.commit(StoreBatch(entries: [.ingest(placed)]))
            try await first.endTurn()
            // Its own commit is not news to it.
            guard case .current = try await first.beginTurn() else { throw Failure("nobody wrote since the first's commit") }
            try await first.endTurn()
            #expect(try await first.counts().alerts == 4)
            #expect(try await TemporaryPostgres.psql(url, "SELECT string_agg(version::text, ',' ORDER BY version) FROM writer_log")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1,2,3")
        } catch {
            Issue.record(error)
        }
        await first.close()
        await second.close()
    }

    /// A gateway whose writer lock is gone (its session ended: here terminated by hand, as a
    /// server restart or a network split would) commits nothing more, and its watch says so.
    @Test func aStoreThatLostTheWriterLockCommitsNothing() async throws {
        let url = try await TemporaryPostgres.database()
        let store = try await PostgresStore.open(url: url, sharing: .standby)
        var feed = Feed()
        do {
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "Down"), at: 0))]))
            // This database's holder only: the server holds the tests' other databases too.
            let holder = """
                SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::bigint = \(PostgresWriterLock.key & 0xffff_ffff)
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """
            #expect(try await TemporaryPostgres.psql(url, "SELECT count(*) FROM (\(holder)) AS held").trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            _ = try await TemporaryPostgres.psql(url, "SELECT pg_terminate_backend(pid) FROM (\(holder)) AS held")

            await #expect(throws: StoreError.self) { try await store.watchWriterLock() }
            await #expect(throws: StoreError.self) {
                try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("db", "Down"), at: 1))]))
            }
            #expect(try await store.counts().signals == 1)
            // Another takes it at once.
            let next = try await PostgresStore.open(url: url, sharing: .standby)
            do {
                // (The test's correlator kept the failed batch: a new service, not a repeat of it.)
                try await next.commit(StoreBatch(entries: [.ingest(feed.record(alert("cache", "Down"), at: 2))]))
                #expect(try await next.counts().signals == 2)
            } catch {
                Issue.record(error)
            }
            await next.close()
        } catch {
            Issue.record(error)
        }
        await store.close()
    }
}

private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
