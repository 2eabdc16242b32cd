import AlertgateCore
import PostgresNIO

/// Heartbeats and their last pings on the PostgreSQL store: every gateway sharing the
/// database reads the pings the others took.
extension PostgresStore: HeartbeatStore {
    public func heartbeats() async throws -> [Heartbeat] {
        try await rows("""
            SELECT name, service, every_ms, cron, grace_ms, declared, created_at, last_ping_at, started_at, last_fail_at, state, pings
            FROM heartbeats ORDER BY name
            """, Self.heartbeat).compactMap { $0 }
    }

    public func heartbeat(named name: String) async throws -> Heartbeat? {
        try await rows("""
            SELECT name, service, every_ms, cron, grace_ms, declared, created_at, last_ping_at, started_at, last_fail_at, state, pings
            FROM heartbeats WHERE name = \(name)
            """, Self.heartbeat).first ?? nil
    }

    public func saveHeartbeat(_ heartbeat: Heartbeat) async throws {
        let schedule = heartbeat.storedSchedule
        let spec = heartbeat.spec
        _ = try await countRows("""
            INSERT INTO heartbeats (name, service, every_ms, cron, grace_ms, declared, created_at, last_ping_at, started_at, last_fail_at, state, pings)
            VALUES (\(spec.name), \(spec.service)::text, \(schedule.everyMilliseconds)::bigint, \(schedule.cron)::text, \(spec.grace.wholeMilliseconds),
                \(spec.declared), \(heartbeat.createdAt.milliseconds), \(heartbeat.lastPingAt?.milliseconds)::bigint,
                \(heartbeat.startedAt?.milliseconds)::bigint, \(heartbeat.lastFailAt?.milliseconds)::bigint, \(Int16(heartbeat.state.code)),
                \(Int64(heartbeat.pings)))
            ON CONFLICT (name) DO UPDATE SET service = excluded.service, every_ms = excluded.every_ms, cron = excluded.cron,
                grace_ms = excluded.grace_ms, declared = excluded.declared, created_at = excluded.created_at,
                last_ping_at = excluded.last_ping_at, started_at = excluded.started_at, last_fail_at = excluded.last_fail_at,
                state = excluded.state, pings = excluded.pings
            """)
    }

    static func heartbeat(_ row: PostgresRandomAccessRow) throws -> Heartbeat? {
        Heartbeat(name: try row["name"].decode(String.self), service: try row["service"].decode(String?.self),
                  everyMilliseconds: try row["every_ms"].decode(Int64?.self), cron: try row["cron"].decode(String?.self),
                  graceMilliseconds: try row["grace_ms"].decode(Int64.self), declared: try row["declared"].decode(Bool.self),
                  createdAt: try row["created_at"].decode(Int64.self), lastPingAt: try row["last_ping_at"].decode(Int64?.self),
                  startedAt: try row["started_at"].decode(Int64?.self), lastFailAt: try row["last_fail_at"].decode(Int64?.self),
                  state: Int(try row["state"].decode(Int16.self)), pings: Int(try row["pings"].decode(Int64.self)))
    }
}
