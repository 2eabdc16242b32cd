import Foundation
import GRDB
import GRDBSQLite

/// WAL checkpoints off the writer's path.
///
/// By default SQLite's writer copies the WAL back into the database file itself, on the commit
/// that takes the WAL past 1000 pages: that commit (and every request waiting on it) pays for
/// the copy and its `fdatasync`s. Once `takeOverCheckpoints` has run (the gateway's
/// `CheckpointService` calls it), the copying is done by `checkpoint(quiet:)` on a connection
/// of its own, beside the writer's commits:
///
/// - `PASSIVE` once the writer has written `checkpointPages` to the WAL since the last one: it
///   copies what no reader still needs and waits for nobody;
/// - `TRUNCATE` at a quiet moment (no commit for a while): the WAL file goes back to zero
///   bytes, so a burst does not leave its WAL's size on the disk;
/// - the WAL starts over from its beginning only once a checkpoint has copied all of it, which
///   the checkpointer's rarely does under steady load (commits land while it copies). So when
///   a PASSIVE run finds the WAL at `restartPages` or more, it first syncs the database file
///   and runs again until it has caught up with the commits (`catchUp`), then asks the writer
///   (`walRestartWanted`): before its next transaction the writer checkpoints the few pages
///   written since, and that transaction starts the WAL over. That commit waits for those
///   pages and two `fdatasync`s that find little to write: once per 64 MiB of WAL;
/// - the writer's own automatic checkpoint stays as a backstop at `backstopCheckpointPages`;
///   left to it, the WAL started over only there, after copying up to a tick's worth of pages
///   (at one alert per POST, 16 connections: a p99 of 11–14 ms with the backstop at 64 MiB,
///   9–11 ms at 256 MiB; BENCHMARKS.md, 2026-12-02);
/// - `journal_size_limit` is the backstop's size: when the WAL starts over, the writer writes
///   over the file's pages in place. (Cut back to 1 MiB instead, most of the WAL's writes grew
///   the file again, allocating its pages anew, and one alert per POST had a p99 twice as
///   long.)
extension SQLiteStore {
    /// The pages written to the WAL after which the checkpointer copies it back: 4 MiB of 4 KiB pages.
    public static let checkpointPages = 1024
    /// The WAL size at which the writer is asked to start it over: 64 MiB of 4 KiB pages.
    public static let restartPages = 16384
    /// The writer's own automatic checkpoint, once the checkpointer runs: 256 MiB of WAL, the
    /// most the WAL file holds (a quiet moment truncates it to nothing).
    package static let backstopCheckpointPages = 65536
    /// What the writer cuts the WAL file back to when it starts the WAL over: the backstop's
    /// size, so that only a WAL grown past it is cut.
    package static let journalSizeLimitBytes = backstopCheckpointPages * 4096

    /// What one call of `checkpoint(quiet:)` did.
    public enum CheckpointRun: Equatable, Sendable {
        /// The WAL was small, or empty and quiet: nothing to do. Or another connection's
        /// checkpoint was running: nothing done, the next call tries again.
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

    /// Pages written to the WAL since the last checkpoint began: close to the frames they add,
    /// a little above them (0.5 % in `CheckpointTests`). The file's size cannot tell this: the
    /// writer writes over the file from its beginning.
    public var walPagesSinceCheckpoint: Int { walPagesSinceLastCheckpoint.load(ordering: .relaxed) }

    /// Whether the checkpointer has asked the writer to start the WAL over and the writer has
    /// not yet done it.
    var walRestartIsWanted: Bool { walRestartWanted.load(ordering: .relaxed) }

    /// When the checkpointer has asked for it, checkpoints on the writer connection (PASSIVE:
    /// its own checkpoint, before a transaction, so nothing of the WAL is left uncopied), so
    /// that the next transaction starts the WAL over. A failure leaves the WAL as it was: the
    /// backstop remains.
    func startWALOverIfWanted(_ db: Database) {
        guard walRestartWanted.load(ordering: .relaxed), walRestartWanted.exchange(false, ordering: .relaxed) else { return }
        _ = try? db.checkpoint(.passive)
    }

    /// Adds the pages the writer connection has written to the WAL since the last call
    /// (`SQLITE_DBSTATUS_CACHE_WRITE`, read and reset: it counts every write of the connection,
    /// the pipeline's and the commands', in a 32-bit counter). Called on the writer's queue
    /// after each commit.
    func countWALPages(_ db: Database) {
        var written: Int32 = 0
        var highwater: Int32 = 0
        guard sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_WRITE, &written, &highwater, 1) == SQLITE_OK else { return }
        walPagesSinceLastCheckpoint.add(Int(written), ordering: .relaxed)
    }

    /// Runs the checkpoint the WAL needs now, on the checkpoint connection's own queue (never
    /// blocking a thread of the cooperative pool): PASSIVE once `checkpointPages` have been
    /// written since the last one, TRUNCATE when `quiet` and the WAL file is not empty. Most
    /// calls only read two counters. A PASSIVE run that finds the WAL at `restartPages` is
    /// followed by `catchUp`; the figures returned are that first run's.
    public func checkpoint(quiet: Bool) async throws -> CheckpointRun {
        if walPagesSinceCheckpoint >= Self.checkpointPages {
            guard let (frames, copied) = try await passiveRun() else { return .none }
            if frames >= Self.restartPages, try await catchUp(after: (frames, copied)) {
                walRestartWanted.store(true, ordering: .relaxed)
            }
            if !quiet || frames != copied { return .passive(walFrames: frames, copied: copied) }
        }
        guard quiet, walBytes > 0 else { return .none }
        // Held off (a reader on an old snapshot, a commit that came in meanwhile, another
        // checkpoint): the next call tries again.
        let done = try await checkpointConnection().writeWithoutTransaction { db in try db.checkpointUnlessBusy(.truncate) } != nil
        return .truncate(done: done)
    }

    /// A PASSIVE checkpoint on the checkpoint connection: the frames in the WAL when it began
    /// and the frames copied back in all. Nil when the writer runs a checkpoint of its own (a
    /// retention pass's, or the WAL's restart): the pages stay counted, and the next call
    /// copies them.
    private func passiveRun() async throws -> (walFrames: Int, copied: Int)? {
        let pages = walPagesSinceCheckpoint
        // What the writer adds from now on counts toward the next checkpoint.
        walPagesSinceLastCheckpoint.subtract(pages, ordering: .relaxed)
        guard let run = try await checkpointConnection().writeWithoutTransaction({ db in try db.checkpointUnlessBusy(.passive) }) else {
            walPagesSinceLastCheckpoint.add(pages, ordering: .relaxed)
            return nil
        }
        return run
    }

    /// Before the writer is asked to start the WAL over: copies back what the commits wrote
    /// during the run that found the WAL at `restartPages` (`first`), so that the writer's own
    /// checkpoint, which its next commit waits for, finds little to copy and to sync. Returns
    /// false when the WAL started over meanwhile (a run copied all of it and the next commit
    /// began it anew): the writer then has nothing to do.
    ///
    /// - It syncs the database file first. A PASSIVE run that commits overtook leaves the pages
    ///   it copied unsynced (SQLite syncs the file only after a run that copied the whole WAL),
    ///   and the writer's sync would otherwise write back every page copied since the last
    ///   restart: ~5–6 ms at one alert per POST, 64 connections.
    /// - Then PASSIVE runs, one after another, each copying what was written during the run
    ///   before it (a run copies the WAL as it was when it began), until one finds at most
    ///   `restartLeftoverFrames` new, `catchUpRuns` have run, or the writer's own checkpoint
    ///   holds one off. Without them the writer copied everything written during the first,
    ///   long run: ~1,000 frames at one alert per POST.
    private func catchUp(after first: (walFrames: Int, copied: Int)) async throws -> Bool {
        try await checkpointConnection().writeWithoutTransaction { db in try db.syncDatabaseFile() }
        var last = first
        for _ in 0..<Self.catchUpRuns {
            guard let run = try await passiveRun() else { break }
            if run.walFrames < last.walFrames { return false }
            walFramesCaughtUp.add(run.copied - last.copied, ordering: .relaxed)
            let written = run.walFrames - last.walFrames
            last = run
            if written <= Self.restartLeftoverFrames { break }
        }
        return true
    }

    /// The most PASSIVE runs `catchUp` adds before the WAL's restart.
    static let catchUpRuns = 4
    /// New frames in a catch-up run, at most, after which `catchUp` stops: about what the run
    /// after would find, and what the writer's own checkpoint then copies at little cost.
    static let restartLeftoverFrames = 64

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

extension Database {
    /// Syncs the database file through SQLite's own handle of it (`xSync`, as its checkpoints
    /// do). Not through a descriptor opened for the purpose: closing that would drop every
    /// POSIX lock this process holds on the file, SQLite's included. A database with no file
    /// (in memory) has nothing to sync.
    func syncDatabaseFile() throws {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(sqliteConnection, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
              let file, let sync = file.pointee.pMethods?.pointee.xSync
        else { return }
        let code = sync(file, SQLITE_SYNC_NORMAL)
        if code != SQLITE_OK { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot sync the database file") }
    }

    /// A checkpoint's frames in the WAL and frames copied back; nil when SQLite answers BUSY. It
    /// runs one checkpoint at a time and answers a second one BUSY at once, whatever the busy
    /// handler; a TRUNCATE also gives up BUSY when a reader or a commit holds it off past the
    /// busy timeout. The store's checkpoints (the checkpointer's, a retention pass's) leave
    /// what they could not do to a later one.
    func checkpointUnlessBusy(_ kind: CheckpointMode) throws -> (walFrames: Int, copied: Int)? {
        do {
            let (frames, copied) = try checkpoint(kind)
            return (frames, copied)
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            return nil
        }
    }
}
