import AlertgateCore
import AlertgatePostgres
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
}
