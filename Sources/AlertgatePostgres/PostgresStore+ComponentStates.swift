import AlertgateCore
import PostgresNIO

/// The status page's hand-set component states on the PostgreSQL store.
extension PostgresStore: ComponentStateStore {
    public func componentStates() async throws -> [ComponentStateOverride] {
        try await rows("SELECT service, state, set_by, set_at FROM component_states ORDER BY service") { row in
            ComponentStateOverride(service: try row["service"].decode(String.self), state: try row["state"].decode(String.self),
                                   setBy: try row["set_by"].decode(String?.self), setAt: try Self.time(row, "set_at"))
        }
    }

    public func setComponentState(_ state: ComponentStateOverride) async throws {
        _ = try await countRows("""
            INSERT INTO component_states (service, state, set_by, set_at) VALUES (\(state.service), \(state.state), \(state.setBy)::text,
                \(state.setAt.milliseconds))
            ON CONFLICT (service) DO UPDATE SET state = excluded.state, set_by = excluded.set_by, set_at = excluded.set_at
            """)
    }

    public func clearComponentState(service: String) async throws -> Bool {
        try await countRows("DELETE FROM component_states WHERE service = \(service) RETURNING service") > 0
    }
}
