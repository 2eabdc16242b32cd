import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// A checkpoint held in progress on a connection of its own, until `end()`: SQLite runs one
/// checkpoint at a time, and answers any other BUSY at once.
///
/// A TRUNCATE checkpoint takes the checkpoint lock, then the write lock, waiting for it in its
/// busy handler. A bare connection holds the write lock until the handler has been called; the
/// handler then waits for `end()`. In between, the write lock is free and the checkpoint lock
/// taken: the store writes, and its checkpoints find the held one running.
final class HeldCheckpoint {
    private let letGo = DispatchSemaphore(value: 0)
    private let truncation: Task<Void, any Error>

    init(path: String) async throws {
        let entered = Atomic<Bool>(false)
        let letGo = letGo
        var configuration = Configuration()
        configuration.busyMode = .callback { tries in
            if tries == 0 {
                entered.store(true, ordering: .relaxed)
                letGo.wait()
            }
            return true
        }
        let checkpointer = try DatabaseQueue(path: path, configuration: configuration)
        // Bare: GRDB ends every access with its transaction closed.
        var holder: OpaquePointer?
        guard sqlite3_open_v2(path, &holder, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { throw HeldCheckpointError.cannotOpen }
        defer { sqlite3_close_v2(holder) }
        guard sqlite3_exec(holder, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else { throw HeldCheckpointError.cannotLock }
        // On a thread of its own: its busy handler blocks.
        truncation = Task {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try checkpointer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) } })
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !entered.load(ordering: .relaxed) {
            guard ContinuousClock.now < deadline else {
                letGo.signal()
                throw HeldCheckpointError.neverWaited
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        guard sqlite3_exec(holder, "COMMIT", nil, nil, nil) == SQLITE_OK else {
            letGo.signal()
            throw HeldCheckpointError.cannotLock
        }
    }

    /// Lets the checkpoint go on, and waits for it to end: it copies the whole WAL back and
    /// cuts it to nothing.
    func end() async throws {
        letGo.signal()
        try await truncation.value
    }
}

enum HeldCheckpointError: Error {
    case cannotOpen, cannotLock, neverWaited
}
