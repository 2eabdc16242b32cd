import AlertgateCore
import GRDB

extension SQLiteStore: ComponentStateStore {
    public func componentStates() async throws -> [ComponentStateOverride] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT service, state, set_by, set_at FROM component_states ORDER BY service").map { row in
                ComponentStateOverride(service: row["service"], state: row["state"], setBy: row["set_by"],
                                       setAt: Timestamp(milliseconds: row["set_at"]))
            }
        }
    }

    public func setComponentState(_ state: ComponentStateOverride) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO component_states (service, state, set_by, set_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(service) DO UPDATE SET state = excluded.state, set_by = excluded.set_by, set_at = excluded.set_at
                """, arguments: [state.service, state.state, state.setBy, state.setAt.milliseconds])
        }
    }

    public func clearComponentState(service: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM component_states WHERE service = ?", arguments: [service])
            return db.changesCount > 0
        }
    }
}
