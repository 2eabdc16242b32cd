import AlertgateCore
import AlertgateTesting
import Foundation
@testable import AlertgateStorage
import Testing

@Suite("WAL checkpoints off the writer: PASSIVE past the bound, TRUNCATE when quiet")
struct CheckpointTests {
    /// Commits records with incompressible bodies until the WAL holds about `bytes`.
    func fill(_ store: SQLiteStore, feed: inout Feed, from: Int, bytes: Int) async throws -> Int {
        try await fill(store, feed: &feed, from: from) { store.walBytes >= bytes }
    }

    /// Commits records with incompressible bodies (64 KiB each) until `done`.
    func fill(_ store: SQLiteStore, feed: inout Feed, from: Int, until done: () -> Bool) async throws -> Int {
        var n = from
        var state = UInt64(from + 1) &* 0x9E37_79B9_7F4A_7C15
        while !done() {
            // xorshift64*: a word at a time, fast enough for tens of MiB in a debug build.
            var words = [UInt64](repeating: 0, count: 8 * 1024)
            for i in words.indices {
                state ^= state >> 12
                state ^= state << 25
                state ^= state >> 27
                words[i] = state &* 0x2545_F491_4F6C_DD1D
            }
            let body = words.withUnsafeBytes { [UInt8]($0) }
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("svc\(n)", "Alert\(n)"), at: Int64(n), bytes: body, encoding: .identity))]))
            n += 1
        }
        return n
    }

    /// Hands checkpoints to the checkpointer (`takeOverCheckpoints`), then commits until the WAL
    /// is past the restart size by a checkpoint's worth; returns the records committed.
    func fillPastTheRestartSize(_ store: SQLiteStore, feed: inout Feed) async throws -> Int {
        try await store.takeOverCheckpoints()
        return try await fill(store, feed: &feed, from: 0) { store.walPagesSinceCheckpoint >= SQLiteStore.restartPages + SQLiteStore.checkpointPages }
    }

    @Test func theCheckpointerCopiesBackPastTheBoundAndTruncatesWhenQuiet() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            try await store.takeOverCheckpoints()
            let bound = SQLiteStore.checkpointPages * 4096
            // Below the bound nothing is done unless quiet.
            var n = try await fill(store, feed: &feed, from: 0, bytes: 64 * 1024)
            #expect(store.walPagesSinceCheckpoint > 0, "the writer's pages are counted")
            #expect(try await store.checkpoint(quiet: false) == .none)

            // The writer no longer checkpoints at SQLite's 1000 pages: the WAL passes the bound.
            n = try await fill(store, feed: &feed, from: n, bytes: bound + 256 * 1024)
            #expect(store.walBytes > bound)
            #expect(store.walPagesSinceCheckpoint >= SQLiteStore.checkpointPages)
            guard case .passive(let frames, let copied) = try await store.checkpoint(quiet: false) else {
                Issue.record("past the bound: a PASSIVE checkpoint")
                return
            }
            #expect(frames > 0 && copied == frames, "no reader holds a snapshot: every frame copied")
            #expect(store.walPagesSinceCheckpoint == 0)

            // The next commit starts the WAL over and writes over the file in place: the file
            // keeps its size, and a few pages written since do not call for another checkpoint.
            let fileBefore = store.walBytes
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("svc\(n)", "Alert\(n)"), at: Int64(n)))]))
            n += 1
            #expect(store.walBytes == fileBefore, "the WAL file is not cut and grown again")
            #expect(store.walPagesSinceCheckpoint > 0 && store.walPagesSinceCheckpoint < SQLiteStore.checkpointPages)
            #expect(try await store.checkpoint(quiet: false) == .none)

            // Quiet: the WAL file goes back to nothing, and everything is still there.
            #expect(try await store.checkpoint(quiet: true) == .truncate(done: true))
            #expect(store.walBytes == 0)
            #expect(try await store.counts().signals == Int64(n))
            #expect(try store.integrityCheck() == "ok")
            #expect(try await store.checkpoint(quiet: true) == .none, "an empty WAL needs nothing")
            #expect(store.commitCount == n)
        }
    }

    /// The writer runs a checkpoint of its own now and then (a retention pass's, the WAL's
    /// restart), and SQLite answers a second one BUSY at once: the checkpointer's run that finds
    /// it does nothing, and keeps the pages counted for the next.
    @Test func aCheckpointRunningElsewhereLeavesThePagesForTheNextRun() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            try await store.takeOverCheckpoints()
            _ = try await fill(store, feed: &feed, from: 0) { store.walPagesSinceCheckpoint >= SQLiteStore.checkpointPages }
            let pages = store.walPagesSinceCheckpoint

            let held = try await HeldCheckpoint(path: store.path)
            let run: Result<SQLiteStore.CheckpointRun, any Error>
            do { run = .success(try await store.checkpoint(quiet: false)) } catch { run = .failure(error) }
            try await held.end()
            #expect(try run.get() == .none)
            #expect(store.walPagesSinceCheckpoint == pages, "the pages stay counted")

            guard case .passive = try await store.checkpoint(quiet: false) else {
                Issue.record("the next run: a PASSIVE checkpoint")
                return
            }
            #expect(store.walPagesSinceCheckpoint == 0)
        }
    }

    @Test func aWALPastTheRestartSizeStartsOverAtTheWritersNextCommit() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            var n = try await fillPastTheRestartSize(store, feed: &feed)
            guard case .passive(let frames, _) = try await store.checkpoint(quiet: false) else {
                Issue.record("past the bound: a PASSIVE checkpoint")
                return
            }
            #expect(frames >= SQLiteStore.restartPages)
            #expect(store.walRestartIsWanted, "the writer is asked to start the WAL over")
            let file = store.walBytes

            // The writer's next commit copies what is left and starts the WAL over: the next
            // checkpoint finds only what was written since, in a file that did not grow.
            n = try await fill(store, feed: &feed, from: n) { store.walPagesSinceCheckpoint >= SQLiteStore.checkpointPages }
            guard case .passive(let after, let copied) = try await store.checkpoint(quiet: false) else {
                Issue.record("past the bound again: a PASSIVE checkpoint")
                return
            }
            #expect(!store.walRestartIsWanted, "the writer's next commit took the request")
            #expect(after < SQLiteStore.restartPages / 2, "the WAL started over: \(after) frames")
            #expect(copied == after)
            #expect(store.walBytes == file, "written over in place")
            #expect(try await store.counts().signals == Int64(n))
            #expect(try store.integrityCheck() == "ok")
        }
    }

    /// Commits that land while the checkpointer copies a WAL past the restart size are copied by
    /// the runs that follow it (`catchUp`), before the writer is asked to start the WAL over.
    @Test func runsAfterTheRestartSizedOneCopyWhatCommitsWroteMeanwhile() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            let n = try await fillPastTheRestartSize(store, feed: &feed)
            // A task commits on while the checkpointer copies ~64 MiB.
            let stop = TestFlag()
            defer { stop.set() }
            let feeder = Task { [feed] in
                var feed = feed
                return try await fill(store, feed: &feed, from: n) { stop.isSet }
            }
            let began = store.commitCount
            let deadline = ContinuousClock.now + .seconds(10)
            while store.commitCount == began, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }

            let run = try await store.checkpoint(quiet: false)
            stop.set()
            let fed = try await feeder.value
            guard case .passive(let frames, let copied) = run, frames >= SQLiteStore.restartPages else {
                Issue.record("past the restart size: a PASSIVE checkpoint, not \(run)")
                return
            }
            #expect(copied == frames, "the first run copied all it saw")
            #expect(store.walFramesCaughtUp.load(ordering: .relaxed) > 0, "the runs after it copied what the commits wrote meanwhile")
            #expect(try await store.counts().signals == Int64(fed))
            #expect(try store.integrityCheck() == "ok")
        }
    }

    /// The database file is synced through SQLite's own handle of it. A descriptor opened for it
    /// and closed would drop every POSIX lock this process holds on the file, among them the
    /// connections' SHARED locks, by which another process (`alertgate db backup`) knows that
    /// the database is in use and must not delete its WAL when it closes.
    @Test func catchingUpKeepsThisProcesssLocksOnTheDatabaseFile() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            _ = try await fillPastTheRestartSize(store, feed: &feed)
            let held = try posixLocks(onFileAt: store.path)
            #expect(held > 0, "the connections hold locks on the database file")
            guard case .passive = try await store.checkpoint(quiet: false) else {
                Issue.record("past the restart size: a PASSIVE checkpoint")
                return
            }
            #expect(store.walRestartIsWanted, "the catch-up ran to its end")
            #expect(try posixLocks(onFileAt: store.path) == held)
        }
    }

    /// POSIX locks this process holds on the file at `path`, as `/proc/locks` lists them
    /// ("1: POSIX  ADVISORY  READ 4242 fd:01:1234567 1073741826 1073742335": the holder's pid,
    /// then the device and the inode).
    func posixLocks(onFileAt path: String) throws -> Int {
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)
        let pid = String(getpid())
        return try String(contentsOfFile: "/proc/locks", encoding: .utf8).split(separator: "\n").count { line in
            let fields = line.split(separator: " ")
            return fields.count >= 6 && fields[1] == "POSIX" && fields[4] == pid && fields[5].split(separator: ":").last == "\(inode)"
        }
    }
}
