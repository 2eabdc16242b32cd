import Foundation
import GRDB

/// The schema as each release left it: a database file at an older migration, for tests that
/// upgrade what an older alertgate wrote (fixtures/schema, scripts/make-schema-fixtures).
public enum SchemaHistory {
    public enum Failure: Error, Equatable, Sendable {
        case unknownMigration(String)
        case fileExists(String)
    }

    /// Names of the migrations, oldest first; the last one is the current schema.
    public static var migrations: [String] {
        Migrations.migrator.migrations
    }

    /// Creates a new database file at `path` holding the schema up to and including
    /// `migration`, and no rows. The file is left in rollback-journal mode: one file, no -wal.
    public static func createDatabase(at path: String, upTo migration: String) throws {
        // GRDB stops the process on an unknown target or a file migrated beyond it: say why instead.
        guard migrations.contains(migration) else { throw Failure.unknownMigration(migration) }
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure.fileExists(path) }
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: migration)
        try queue.close()
    }

    /// The SQL of every table and index in the file at `path` (GRDB's own table excepted),
    /// sorted: two files hold the same schema when these are equal.
    public static func schema(ofDatabaseAt path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT sql FROM sqlite_master
                WHERE sql IS NOT NULL AND name NOT LIKE 'grdb%' AND name NOT LIKE 'sqlite%'
                ORDER BY type, name
                """)
        }
    }
}
