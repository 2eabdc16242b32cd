import AlertgateCore
import AlertgateStorage
import Testing

@Suite("Heartbeats (SQLite v15, PostgreSQL v3): a heartbeat's settings and last pings read back as saved")
struct HeartbeatStoreTests {
    @Test(arguments: StoreKind.allCases)
    func heartbeatsAreSavedReplacedAndReadBack(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            let cron = try CronSchedule(parsing: "0 3 * * *")
            var backup = Heartbeat(spec: HeartbeatSpec(name: "nightly-backup", service: "backups", schedule: .cron(cron), grace: .seconds(3600), declared: true),
                                   createdAt: at(10))
            let sync = Heartbeat(spec: HeartbeatSpec(name: "sync", schedule: .every(.seconds(300)), grace: .seconds(60)), createdAt: at(20),
                                 lastPingAt: at(25), startedAt: at(30), lastFailAt: nil, state: .up, pings: 2)
            try await store.saveHeartbeat(backup)
            try await store.saveHeartbeat(sync)
            #expect(try await store.heartbeats() == [backup, sync])
            #expect(try await store.heartbeat(named: "missing") == nil)

            _ = backup.record(.fail, at: at(40))
            _ = backup.record(.success, at: at(50))
            backup.spec.grace = .seconds(7200)
            try await store.saveHeartbeat(backup)
            let read = try #require(try await store.heartbeat(named: "nightly-backup"))
            #expect(read == backup)
            #expect(read.lastFailAt == at(40) && read.lastPingAt == at(50) && read.state == .up && read.pings == 2)
            #expect(try await store.heartbeats().count == 2)
        }
    }
}
