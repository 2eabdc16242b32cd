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

    public func addConfigSilences(_ silences: [Silence]) async throws {
        guard !silences.isEmpty else { return }
        try await pool.write { db in try Self.add(silences, db) }
    }

    /// At start, before anything runs: stores the config's silences not stored yet and
    /// returns every silence, newest first.
    public func startSilences(adding config: [Silence]) throws -> [Silence] {
        try pool.write { db in
            try Self.add(config, db)
            return try Row.fetchAll(db, sql: "SELECT * FROM silences ORDER BY id DESC").map(RowDecoding.silence)
        }
    }

    private static func add(_ silences: [Silence], _ db: Database) throws {
        for silence in silences {
            try db.execute(sql: """
                INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, updated_at, config_key)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(config_key) DO NOTHING
                """, arguments: [JSONText.encode(silence.matchers.map(\.description)), silence.startsAt.milliseconds, silence.endsAt.milliseconds,
                                 silence.createdBy, silence.comment, silence.updatedAt.milliseconds, silence.configKey])
        }
    }
}
