import AlertgateCore
import GRDB

extension SQLiteStore: HeartbeatStore {
    static let heartbeatColumns = "name, service, every_ms, cron, grace_ms, declared, created_at, last_ping_at, started_at, last_fail_at, state, pings"

    public func heartbeats() async throws -> [Heartbeat] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.heartbeatColumns) FROM heartbeats ORDER BY name").compactMap(Self.heartbeat)
        }
    }

    public func heartbeat(named name: String) async throws -> Heartbeat? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.heartbeatColumns) FROM heartbeats WHERE name = ?", arguments: [name]).flatMap(Self.heartbeat)
        }
    }

    public func saveHeartbeat(_ heartbeat: Heartbeat) async throws {
        let schedule = heartbeat.storedSchedule
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO heartbeats (\(Self.heartbeatColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET service = excluded.service, every_ms = excluded.every_ms, cron = excluded.cron,
                    grace_ms = excluded.grace_ms, declared = excluded.declared, created_at = excluded.created_at,
                    last_ping_at = excluded.last_ping_at, started_at = excluded.started_at, last_fail_at = excluded.last_fail_at,
                    state = excluded.state, pings = excluded.pings
                """, arguments: [
                    heartbeat.spec.name, heartbeat.spec.service, schedule.everyMilliseconds, schedule.cron, heartbeat.spec.grace.wholeMilliseconds,
                    heartbeat.spec.declared, heartbeat.createdAt.milliseconds, heartbeat.lastPingAt?.milliseconds, heartbeat.startedAt?.milliseconds,
                    heartbeat.lastFailAt?.milliseconds, heartbeat.state.code, heartbeat.pings,
                ])
        }
    }

    /// A stored row; nil (skipped) when its columns do not make a heartbeat.
    static func heartbeat(_ row: Row) -> Heartbeat? {
        Heartbeat(name: row["name"], service: row["service"], everyMilliseconds: row["every_ms"], cron: row["cron"], graceMilliseconds: row["grace_ms"],
                  declared: row["declared"], createdAt: row["created_at"], lastPingAt: row["last_ping_at"], startedAt: row["started_at"],
                  lastFailAt: row["last_fail_at"], state: row["state"], pings: row["pings"])
    }
}
