import AlertgateCore
import AlertgateStorage
import PostgresNIO

/// Silences on the PostgreSQL store, as `SQLiteStore+Silences` keeps them: matchers as a JSON
/// list of Alertmanager's text form, the config's own marked by `config_key`.
extension PostgresStore: SilenceStore {
    public func silences() async throws -> [Silence] {
        try await rows("SELECT * FROM silences ORDER BY id DESC", Self.silence)
    }

    public func save(_ silence: Silence) async throws -> Silence? {
        let matchers = JSONText.encode(silence.matchers.map(\.description))
        let (starts, ends, updated) = (silence.startsAt.milliseconds, silence.endsAt.milliseconds, silence.updatedAt.milliseconds)
        if silence.id == 0 {
            let ids = try await rows("""
                INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, updated_at, config_key)
                VALUES (\(matchers), \(starts), \(ends), \(silence.createdBy), \(silence.comment), \(updated), \(silence.configKey)::text)
                RETURNING id
                """) { try $0["id"].decode(Int64.self) }
            var stored = silence
            stored.id = ids.first ?? 0
            return stored
        }
        let updatedIDs = try await rows("""
            UPDATE silences SET matchers = \(matchers), starts_at = \(starts), ends_at = \(ends), created_by = \(silence.createdBy),
                comment = \(silence.comment), updated_at = \(updated)
            WHERE id = \(silence.id) RETURNING id
            """) { try $0["id"].decode(Int64.self) }
        return updatedIDs.isEmpty ? nil : silence
    }

    /// Config silences no longer in the config end now; those new to it are added (by key).
    public func syncConfigSilences(_ silences: [Silence], now: Timestamp) async throws {
        let keys = silences.compactMap(\.configKey)
        let at = now.milliseconds
        try await inTransaction { connection in
            try await connection.query("""
                UPDATE silences SET ends_at = \(at), starts_at = least(starts_at, \(at)), updated_at = \(at)
                WHERE config_key IS NOT NULL AND ends_at > \(at) AND NOT (config_key = ANY(\(keys)::text[]))
                """, logger: logger)
            for silence in silences {
                try await connection.query("""
                    INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, updated_at, config_key)
                    VALUES (\(JSONText.encode(silence.matchers.map(\.description))), \(silence.startsAt.milliseconds),
                            \(silence.endsAt.milliseconds), \(silence.createdBy), \(silence.comment), \(silence.updatedAt.milliseconds),
                            \(silence.configKey)::text)
                    ON CONFLICT (config_key) DO NOTHING
                    """, logger: logger)
            }
        }
    }

    static func silence(_ row: PostgresRandomAccessRow) throws -> Silence {
        Silence(id: try row["id"].decode(Int64.self), matchers: try RowDecoding.silenceMatchers(try row["matchers"].decode(String.self)),
                startsAt: try time(row, "starts_at"), endsAt: try time(row, "ends_at"), createdBy: try row["created_by"].decode(String.self),
                comment: try row["comment"].decode(String.self), updatedAt: try time(row, "updated_at"),
                configKey: try row["config_key"].decode(String?.self))
    }
}
