import AlertgateStorage
import Logging
import NIOPosix
import PostgresNIO
import Synchronization

/// The database's writer lock: a session advisory lock, held on a connection of its own while a
/// gateway writes. With `storage.writers: one` a gateway holds it for as long as it runs; the
/// others wait as standbys and take over when the holder stops or dies (its connection closes,
/// and PostgreSQL releases the lock with it). With `all`, every gateway takes it for a turn of
/// a few batches (`beginTurn`, `endTurn`).
///
/// Every batch checks, in its own transaction, that this connection still holds the lock
/// (`fence`): a gateway whose lock connection was lost (the server restarted, the network
/// split) and that a standby has replaced cannot commit any more; `watch` ends it when the
/// connection closes.
final class PostgresWriterLock: Sendable {
    /// "alertgate writer": the lock's key, in PostgreSQL's advisory lock space.
    static let key: Int64 = 0x616c_6572_7477_7200
    /// How often a standby tries the lock.
    static let interval = Duration.seconds(1)

    private let connection: PostgresConnection
    /// The server process of `connection`: `pg_locks` names the holder by it.
    let backendPID: Int32
    private let logger: Logger

    private init(connection: PostgresConnection, backendPID: Int32, logger: Logger) {
        self.connection = connection
        self.backendPID = backendPID
        self.logger = logger
    }

    /// Connects and takes the lock, waiting while another gateway holds it (`onWaiting` is
    /// called once, when the wait begins). Cancelling the task ends the wait.
    static func take(_ address: PostgresStore.Address, logger: Logger, onWaiting: @Sendable () -> Void) async throws -> PostgresWriterLock {
        let lock = try await connect(address, logger: logger)
        let connection = lock.connection
        do {
            var waiting = false
            while true {
                var taken = false
                for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) {
                    taken = value
                }
                if taken { break }
                if !waiting {
                    waiting = true
                    logger.notice("another alertgate writes to this database; waiting to take over when it stops", metadata: [
                        "database": "\(address.database)", "host": "\(address.host):\(address.port)",
                    ])
                    onWaiting()
                }
                try await Task.sleep(for: interval)
            }
            if waiting { logger.notice("took over the database's writer lock") }
            return lock
        } catch {
            await lock.release()
            throw error
        }
    }

    /// Connects, without taking the lock: for gateways that take it a turn at a time.
    static func connect(_ address: PostgresStore.Address, logger: Logger) async throws -> PostgresWriterLock {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(host: address.host, port: address.port, username: address.user, password: address.password,
                                 database: address.database, tls: try address.connectionTLS()),
            id: 0, logger: logger).get()
        do {
            var pid: Int32 = 0
            for try await value in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { pid = value }
            return PostgresWriterLock(connection: connection, backendPID: pid, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Takes the lock for a turn, waiting in PostgreSQL's queue of the gateways that want it
    /// (first come, first served).
    func beginTurn() async throws {
        try await connection.query("SELECT pg_advisory_lock(\(Self.key))", logger: logger)
    }

    /// Lets the lock go at the end of a turn.
    func endTurn() async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(Self.key))", logger: logger)
    }

    /// Throws unless this lock's connection still holds the lock: the first statement of every
    /// batch's transaction (on another connection).
    func fence(on transaction: PostgresConnection) async throws {
        let (high, low) = (Self.key >> 32, Self.key & 0xffff_ffff)
        var held = false
        for try await _ in try await transaction.query("""
            SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = \(backendPID)
              AND classid::bigint = \(high) AND objid::bigint = \(low) AND objsubid = 1
            """, logger: logger) { held = true }
        guard held else { throw StoreError.database("this gateway no longer holds the database's writer lock; another one writes now") }
    }

    /// Returns when the task is cancelled; throws when the lock's connection closes first (the
    /// server ended the session, or the connection broke), so that the gateway stops rather than
    /// run beside the standby that takes over.
    func watch() async throws {
        let waiter = CloseWaiter()
        connection.closeFuture.whenComplete { _ in waiter.end(closed: true) }
        let closed = await withTaskCancellationHandler {
            await withCheckedContinuation { waiter.wait($0) }
        } onCancel: {
            waiter.end(closed: false)
        }
        if closed { throw StoreError.database("the connection holding the writer lock was lost") }
    }

    /// Ends the session, and the lock with it.
    func release() async {
        try? await connection.close()
    }

    /// A lock dropped without `release` (its store never closed) still ends its session: the
    /// connection is kept until its channel has closed.
    deinit {
        let connection = connection
        guard !connection.isClosed else { return }
        connection.close().whenComplete { _ in _ = connection }
    }
}

/// Resumes one waiter once: with true when the connection closed, false when the wait was
/// cancelled, whichever comes first (and at once when it came before the wait began).
private final class CloseWaiter: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Bool, Never>?
        var ended: Bool?
    }

    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<Bool, Never>) {
        let ended = state.withLock { state -> Bool? in
            if state.ended == nil { state.waiter = continuation }
            return state.ended
        }
        if let ended { continuation.resume(returning: ended) }
    }

    func end(closed: Bool) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.ended == nil else { return nil }
            state.ended = closed
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: closed)
    }
}
