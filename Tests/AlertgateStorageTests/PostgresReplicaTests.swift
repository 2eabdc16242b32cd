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

    /// A gateway whose writer lock is gone (its session ended: here terminated by hand, as a
    /// server restart or a network split would) commits nothing more, and its watch says so.
    @Test func aStoreThatLostTheWriterLockCommitsNothing() async throws {
        let url = try await TemporaryPostgres.database()
        let store = try await PostgresStore.open(url: url, exclusive: true)
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
            let next = try await PostgresStore.open(url: url, exclusive: true)
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

