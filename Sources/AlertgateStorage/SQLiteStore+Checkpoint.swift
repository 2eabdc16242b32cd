import Foundation
import GRDB

/// WAL checkpoints off the writer's path.
///
/// By default SQLite's writer copies the WAL back into the database file itself, on the commit
/// that takes the WAL past 1000 pages: that commit (and every request waiting on it) pays for
/// the copy and its `fdatasync`s. Once `takeOverCheckpoints` has run (the gateway's
/// `CheckpointService` calls it), the checkpoints are run by `checkpoint(quiet:)` on a
/// connection of their own, beside the writer's commits:
///
/// - `PASSIVE` once the WAL holds `checkpointPages` or more: it copies what no reader still
///   needs and waits for nobody; the writer then starts the WAL over from its beginning;
/// - `TRUNCATE` at a quiet moment (no commit for a while): the WAL file goes back to zero
///   bytes, so a burst does not leave its WAL's size on the disk;
/// - the writer keeps its own automatic checkpoint only as a backstop, at
///   `backstopCheckpointPages`, should the checkpointer fall that far behind;
/// - `journal_size_limit` cuts the WAL file back whenever the writer starts it over.
extension SQLiteStore {
    /// The WAL size at which the checkpointer copies it back: 4 MiB of 4 KiB pages.
    public static let checkpointPages = 1024
    /// The writer's own automatic checkpoint, once the checkpointer runs: 64 MiB of WAL.
    static let backstopCheckpointPages = 16384
    /// What the writer cuts the WAL file back to when it starts the WAL over. Below the
    /// checkpointer's bound, so that the file's size tells whether the WAL has grown past that
    /// bound: were they equal, a WAL cut back to exactly 4 MiB would look full on every tick.
    static let journalSizeLimitBytes = 1 << 20

    /// What one call of `checkpoint(quiet:)` did.
    public enum CheckpointRun: Equatable, Sendable {
        /// The WAL was small, or empty and quiet: nothing to do.
        case none
        /// A PASSIVE checkpoint: frames in the WAL and frames copied back.
        case passive(walFrames: Int, copied: Int)
        /// A TRUNCATE checkpoint at a quiet moment; false when a reader or writer held it off.
        case truncate(done: Bool)
    }

    /// From now on checkpoints are this process's to run (`checkpoint(quiet:)`): the writer's
    /// automatic checkpoint moves out to the backstop.
    public func takeOverCheckpoints() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.backstopCheckpointPages)")
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.journalSizeLimitBytes)")
        }
    }

    /// The WAL file's size in bytes (0 when there is none).
    public var walBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Commits since the store was opened: a checkpointer compares two readings to tell a quiet moment.
    public var commitCount: Int { commits.load(ordering: .relaxed) }

    /// Runs the checkpoint the WAL needs now, on the checkpoint connection's own queue (never
    /// blocking a thread of the cooperative pool): PASSIVE past `checkpointPages`, TRUNCATE when
    /// `quiet` and the WAL file is not empty. Most calls only read the WAL file's size.
    public func checkpoint(quiet: Bool) async throws -> CheckpointRun {
        let bytes = walBytes
        let pageBytes = 4096
        if bytes >= Self.checkpointPages * pageBytes {
            let (frames, copied) = try await checkpointConnection().writeWithoutTransaction { db in try db.checkpoint(.passive) }
            if !quiet || frames != copied { return .passive(walFrames: frames, copied: copied) }
        }
        guard quiet, bytes > 0 else { return .none }
        do {
            try await checkpointConnection().writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            return .truncate(done: true)
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            // A reader on an old snapshot, or a commit that came in meanwhile: the next call tries again.
            return .truncate(done: false)
        }
    }

    /// The connection checkpoints run on, opened on first use: not the writer, so a checkpoint
    /// never holds a commit up, and not a reader of the pool, so it never holds a query up.
    private func checkpointConnection() throws -> DatabaseQueue {
        try checkpointQueue.withLock { queue in
            if let queue { return queue }
            var configuration = Configuration()
            // TRUNCATE waits this long for a commit in progress; PASSIVE waits for nobody.
            configuration.busyMode = .timeout(0.05)
            let opened = try DatabaseQueue(path: path, configuration: configuration)
            queue = opened
            return opened
        }
    }
}
