import AlertgateCore
import GRDB

extension SQLiteStore: SilenceStore {
    public func silences() async throws -> [Silence] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM silences ORDER BY id DESC").map(RowDecoding.silence)
        }
    }

    public func save(_ silence: Silence) async throws -> Silence? {
        try await pool.write { db in
            let matchers = JSONText.encode(silence.matchers.map(\.description))
            if silence.id == 0 {
                try db.execute(sql: """
                    INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, updated_at, config_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [matchers, silence.startsAt.milliseconds, silence.endsAt.milliseconds, silence.createdBy, silence.comment,
                                     silence.updatedAt.milliseconds, silence.configKey])
                var stored = silence
                stored.id = db.lastInsertedRowID
                return stored
            }
            try db.execute(sql: """
                UPDATE silences SET matchers = ?, starts_at = ?, ends_at = ?, created_by = ?, comment = ?, updated_at = ? WHERE id = ?
                """, arguments: [matchers, silence.startsAt.milliseconds, silence.endsAt.milliseconds, silence.createdBy, silence.comment,
                                 silence.updatedAt.milliseconds, silence.id])
            return db.changesCount > 0 ? silence : nil
        }
    }

    public func syncConfigSilences(_ silences: [Silence], now: Timestamp) async throws {
        try await pool.write { db in try Self.sync(silences, now: now, db) }
    }

    private static func sync(_ silences: [Silence], now: Timestamp, _ db: Database) throws {
        let keys = silences.compactMap(\.configKey)
        let placeholders = keys.map { _ in "?" }.joined(separator: ", ")
        let times: [any DatabaseValueConvertible] = Array(repeating: now.milliseconds, count: 4)
        try db.execute(sql: """
            UPDATE silences SET ends_at = ?, starts_at = min(starts_at, ?), updated_at = ?
            WHERE config_key IS NOT NULL AND ends_at > ?\(keys.isEmpty ? "" : " AND config_key NOT IN (\(placeholders))")
            """, arguments: StatementArguments(times + keys.map { $0 as any DatabaseValueConvertible }))
        for silence in silences {
            try db.execute(sql: """
                INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, updated_at, config_key)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(config_key) DO NOTHING
                """, arguments: [JSONText.encode(silence.matchers.map(\.description)), silence.startsAt.milliseconds, silence.endsAt.milliseconds,
                                 silence.createdBy, silence.comment, silence.updatedAt.milliseconds, silence.configKey])
        }
    }
}
