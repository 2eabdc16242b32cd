import AlertgateCore
import Foundation
import GRDB
import Synchronization

/// The SQLite store: one WAL database file, one writer connection (the pipeline's), and a
/// pool of readers. It owns the compressor of its payloads: payload ids, which compressed
/// payloads refer to, belong to this file alone.
public final class SQLiteStore: StoreWriter, StoreReader {
    public let path: String
    let pool: DatabasePool
    let payloadCompressor = PayloadCompressor()
    /// The templates of signals' reasons (`WhyText`), for the writer and the readers.
    let whyTemplates = WhyTemplates()
    /// Transactions committed by `commit` (`SQLiteStore+Checkpoint.swift`).
    let commits = Atomic<Int>(0)
    /// Pages the writer connection has written to the WAL since the last checkpoint began:
    /// the writer adds after each commit, the checkpointer takes off what it saw
    /// (`SQLiteStore+Checkpoint.swift`).
    let walPagesSinceLastCheckpoint = Atomic<Int>(0)
    /// Set by the checkpointer when the WAL should start over: the writer's next commit runs
    /// the checkpoint that lets it (`SQLiteStore+Checkpoint.swift`).
    let walRestartWanted = Atomic<Bool>(false)
    /// Frames copied by the checkpointer's catch-up runs (`catchUp`): what the commits wrote
    /// while a run copied a WAL grown to the restart size.
    let walFramesCaughtUp = Atomic<Int>(0)
    /// The connection WAL checkpoints run on, once opened (`SQLiteStore+Checkpoint.swift`).
    let checkpointQueue = Mutex<DatabaseQueue?>(nil)

    static let writerCacheKiB = 2 << 10
    static let readerCacheKiB = 2 << 10
    static let readerCount = 4

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    /// `synchronous` is `normal` (survives a process crash) or `full` (also a power loss).
    public init(path: String, synchronous: String = "normal") throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // Page caches are memory the process keeps once filled, one per connection, so that
        // the caches together stay a fixed part of the memory bound (5 × 2 MiB). Ingest
        // writes at the right edge of each b-tree and on a few leaves per incident, so its hot
        // pages are few: 32 MiB for the writer made no difference to ingest
        // (docs/benchmarks-archive.md, 2026-12-02) and cost 24 MiB of RSS; 2 MiB against 8 made
        // none either, one or a hundred alerts per POST, and saved 6–7 MiB (BENCHMARKS.md,
        // notes of the runs of 2026-12-04 03:45 and 03:55).
        configuration.maximumReaderCount = Self.readerCount
        configuration.prepareDatabase { db in
            let kibibytes = db.configuration.readonly ? Self.readerCacheKiB : Self.writerCacheKiB
            try db.execute(sql: "PRAGMA cache_size = -\(kibibytes)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous=NORMAL on its writer after prepareDatabase; apply ours after.
            let level = synchronous == "full" ? "FULL" : "NORMAL"
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(level)")
            }
            try pool.read { db in try Self.checkSchema(db, path: path) }
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode.primaryResultCode) {
            throw StoreError.notADatabase(path: path, detail: error.message ?? "\(error.resultCode)")
        }
        try Migrations.migrator.migrate(pool)
        try Self.useIncrementalVacuum(pool)
    }

    /// Refuses a file this build must not migrate: another program's database, or one a newer
    /// alertgate wrote.
    static func checkSchema(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        guard !tables.isEmpty else { return }
        guard tables.contains("grdb_migrations") else { throw StoreError.foreignDatabase(path: path, tables: tables) }
        let known = Set(Migrations.migrator.migrations)
        let unknown = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").filter { !known.contains($0) }
        guard unknown.isEmpty else { throw StoreError.newerSchema(path: path, unknown: unknown) }
    }

    /// Checks the file at `path` without changing it (read-only, no migration): that it is an
    /// alertgate database this build can open, then `PRAGMA integrity_check`; returns its
    /// answer, `ok` for a sound file.
    public static func check(path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notADatabase(path: path, detail: "no such file") }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                try checkSchema(db, path: path)
                return try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
            }
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode.primaryResultCode) {
            throw StoreError.notADatabase(path: path, detail: error.message ?? "\(error.resultCode)")
        }
    }

    /// An online copy of the database to `destination` (SQLite's backup API): readers and the
    /// writer go on meanwhile; the copy is one consistent moment.
    public func backup(to destination: String) throws {
        let copy = try DatabaseQueue(path: destination)
        try pool.backup(to: copy)
        try copy.close()
    }

    /// Names of the applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }

    public func loadCorrelatorState(now: Timestamp, reopenWindow: Duration, keys: Set<String>?) async throws -> CorrelatorState {
        let horizon = (now - reopenWindow).milliseconds
        return try await pool.read { db in
            var incidents = try Row.fetchAll(db, sql: """
                SELECT * FROM incidents
                WHERE status IN (1, 2) OR (status = 3 AND resolved_at >= ?)
                   OR id IN (SELECT incident_id FROM alerts WHERE status = 1)
                """, arguments: [horizon]).map(RowDecoding.incident)
            var alerts = try Row.fetchAll(db, sql: "SELECT * FROM alerts WHERE status = 1").map(RowDecoding.alert)
            if let keys {
                // Few incidents are live at a time, so filtering here reads no more than the
                // whole state would.
                incidents.removeAll { !keys.contains($0.key) }
                let kept = Set(incidents.map(\.id))
                alerts.removeAll { !kept.contains($0.incidentID) }
            }
            let lastSignal = try Int64.fetchOne(db, sql: "SELECT max(id) FROM signals") ?? 0
            let lastAlert = try Int64.fetchOne(db, sql: "SELECT max(id) FROM alerts") ?? 0
            let lastIncident = try Int64.fetchOne(db, sql: "SELECT max(id) FROM incidents") ?? 0
            return CorrelatorState(alerts: alerts, incidents: incidents, lastSignalID: lastSignal, lastAlertID: lastAlert, lastIncidentID: lastIncident)
        }
    }

    public func loadIncident(id: Int64) async throws -> (incident: IncidentState, firingAlerts: [AlertState])? {
        // The pipeline, the only writer, asks once the batch in flight has committed: two reads
        // see the same rows.
        guard let incident = try await incident(id: id) else { return nil }
        return (incident, try await alerts(incidentID: id).filter { $0.status == .firing })
    }

    public func preparePayload(_ bytes: [UInt8], key: String, source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        payloadCompressor.compress(bytes, key: key, source: source, contentType: contentType, receivedAt: receivedAt)
    }

    public func commit(_ batch: StoreBatch) async throws {
        guard !batch.isEmpty else { return }
        let observers = try await pool.writeWithoutTransaction { db in try write(batch, in: db) }
        committed(observers)
    }

    /// The same transaction, handed to the writer's queue at once; `completion` runs on it.
    public func commit(_ batch: StoreBatch, completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        guard !batch.isEmpty else { return completion(.success(())) }
        pool.asyncWriteWithoutTransaction { [self] db in
            completion(Result { try write(batch, in: db) }.map { committed($0) })
        }
    }

    /// One batch's transaction on the writer connection, between the WAL's upkeep: the
    /// checkpoint that starts the WAL over when the checkpointer asked for it, before; the
    /// count of the pages written, after.
    private func write(_ batch: StoreBatch, in db: Database) throws -> [(any StoredPayload.CommitObserver, Int64)] {
        startWALOverIfWanted(db)
        defer { countWALPages(db) }
        // BEGIN and COMMIT from the statement cache: `inTransaction` parses both anew on every
        // commit, which the one-alert-per-POST profile showed (commits of a few alerts each).
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let observers = try BatchWriter(db: db, whyTemplates: whyTemplates).write(batch)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return observers
        } catch {
            try? db.rollback()
            whyTemplates.writerRolledBack()
            throw error
        }
    }

    /// Counts a commit and tells its payloads' observers the ids they got.
    private func committed(_ observers: [(any StoredPayload.CommitObserver, Int64)]) {
        commits.add(1, ordering: .relaxed)
        for (observer, id) in observers { observer.payloadCommitted(id: id) }
    }
}
