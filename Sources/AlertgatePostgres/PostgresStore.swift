import AlertgateCore
import AlertgateStorage
import Foundation
import Logging
import NIOPosix
import NIOSSL
import NIOCore
import PostgresNIO
import Synchronization

/// The store on a PostgreSQL server (`storage.url: postgres://...`), for several replicas on
/// one database. It keeps what `SQLiteStore` keeps, row for row (`PostgresMigrations`), and
/// packs raw payloads the same way (`PayloadCompressor`, `bytea`).
///
/// A pool of connections (`PostgresClient`) runs in a task of the store's own from `open`
/// until `close`. Each batch is one transaction (`commit`).
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// The writer lock, unless opened with `Sharing.none`.
    let writerLock: Mutex<PostgresWriterLock?> = Mutex(nil)
    let sharing: Sharing
    /// The version of the last batch this store committed in the log of changes
    /// (`PostgresStore+Turns`), nil when not known; kept only while it holds the writer lock.
    let writtenVersion: Mutex<Int64?> = Mutex(nil)
    let payloadCompressor = PayloadCompressor()
    /// Names this store as the holder of a lease (`leases`).
    let holderID = UUID().uuidString

    /// How a store writes beside other gateways on the same database (`storage.writers`).
    public enum Sharing: Sendable {
        /// No writer lock: for tools and tests that write alone.
        case none
        /// One gateway writes; the others wait as standbys and take over when it stops
        /// (`storage.writers: one`).
        case standby
        /// Every gateway writes, a batch at a time, each in its turn (`storage.writers: all`,
        /// `WriterTurns`).
        case turns
    }

    /// What a `postgres://` URL names.
    public struct Address: Equatable, Sendable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String?
        public var database: String
        public var tls: TLSMode

        /// `sslmode` as libpq reads it: `prefer` (its default) and `require` encrypt without
        /// checking the server's certificate; `verify-ca` checks it against `sslrootcert` (or the
        /// system's roots); `verify-full` checks the host name too.
        public enum TLSMode: Equatable, Sendable {
            case disable, prefer, require
            case verifyCA(rootCertificate: String?)
            case verifyFull(rootCertificate: String?)
        }

        /// `postgres://user[:password]@host[:port]/database[?sslmode=...&sslrootcert=PATH]`
        /// (also `postgresql://`).
        public init(url: String) throws(StoreError) {
            guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? "") else {
                throw StoreError.badURL("\(url) is not a postgres:// URL")
            }
            guard let host = parts.host, !host.isEmpty else { throw StoreError.badURL("\(url) names no host") }
            guard let user = parts.user, !user.isEmpty else { throw StoreError.badURL("\(url) names no user (postgres://user@host/database)") }
            let database = String(parts.path.drop { $0 == "/" })
            guard !database.isEmpty, !database.contains("/") else { throw StoreError.badURL("\(url) names no database (postgres://user@host/database)") }
            var mode = "prefer", rootCertificate: String?
            for item in parts.queryItems ?? [] {
                switch (item.name, item.value) {
                case ("sslmode", let value?): mode = value
                case ("sslrootcert", let value?) where !value.isEmpty: rootCertificate = value
                default:
                    throw StoreError.badURL("\(url): \(item.name)=\(item.value ?? "") is not supported (sslmode and sslrootcert are)")
                }
            }
            switch mode {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer
            case "require": tls = .require
            case "verify-ca": tls = .verifyCA(rootCertificate: rootCertificate)
            case "verify-full": tls = .verifyFull(rootCertificate: rootCertificate)
            default:
                throw StoreError.badURL("\(url): sslmode=\(mode) is not one of disable, allow, prefer, require, verify-ca, verify-full")
            }
            if rootCertificate != nil, ![.verifyCA(rootCertificate: rootCertificate), .verifyFull(rootCertificate: rootCertificate)].contains(tls) {
                throw StoreError.badURL("\(url): sslrootcert is read only with sslmode=verify-ca or verify-full")
            }
            self.host = host
            self.port = parts.port ?? 5432
            self.user = user.removingPercentEncoding ?? user
            self.password = parts.password.map { $0.removingPercentEncoding ?? $0 }
            self.database = database.removingPercentEncoding ?? database
        }

        /// The TLS settings of `tls`, or nil for `disable`.
        func tlsConfiguration() -> TLSConfiguration? {
            var configuration = TLSConfiguration.makeClientConfiguration()
            let rootCertificate: String?
            switch tls {
            case .disable: return nil
            case .prefer, .require:
                configuration.certificateVerification = .none
                rootCertificate = nil
            case .verifyCA(let root):
                configuration.certificateVerification = .noHostnameVerification
                rootCertificate = root
            case .verifyFull(let root):
                configuration.certificateVerification = .fullVerification
                rootCertificate = root
            }
            if let rootCertificate { configuration.trustRoots = .file(rootCertificate) }
            return configuration
        }

        var clientTLS: PostgresClient.Configuration.TLS {
            guard let configuration = tlsConfiguration() else { return .disable }
            return tls == .prefer ? .prefer(configuration) : .require(configuration)
        }

        func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
            guard let configuration = tlsConfiguration() else { return .disable }
            let context = try NIOSSLContext(configuration: configuration)
            return tls == .prefer ? .prefer(context) : .require(context)
        }
    }

    private init(client: PostgresClient, sharing: Sharing, logger: Logger) {
        self.client = client
        self.sharing = sharing
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Connects to the database at `url` and brings its schema up to date. As a gateway's store
    /// (`sharing` other than `none`) it also opens the database's writer lock
    /// (`PostgresWriterLock`): with `standby`, takes it, waiting as a standby while another
    /// gateway holds it (`onWaiting` is called when the wait begins); with `turns`, takes it for
    /// each turn (`beginTurn`). Every batch checks that the lock is held.
    public static func open(url: String, sharing: Sharing = .none, logger: Logger = Logger(label: "alertgate.postgres"),
                            onWaiting: @Sendable () -> Void = {}) async throws -> PostgresStore {
        let address = try Address(url: url)
        try await probe(address, logger: logger)
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password, database: address.database,
            tls: address.clientTLS)
        configuration.options.connectTimeout = .seconds(10)
        let store = PostgresStore(client: PostgresClient(configuration: configuration), sharing: sharing, logger: logger)
        do {
            try await store.migrate()
            switch sharing {
            case .none: break
            case .standby:
                let lock = try await PostgresWriterLock.take(address, logger: logger, onWaiting: onWaiting)
                store.writerLock.withLock { $0 = lock }
            case .turns:
                let lock = try await PostgresWriterLock.connect(address, logger: logger)
                store.writerLock.withLock { $0 = lock }
            }
        } catch {
            await store.close()
            throw described(error)
        }
        return store
    }

    /// One connection made and closed before the pool's: a server that cannot be reached, a
    /// certificate that does not verify or a password refused is said at once, in the words of
    /// the failure, where the pool would retry for a minute and then report only that it gave up.
    private static func probe(_ address: Address, logger: Logger) async throws {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try address.connectionTLS()
        } catch {
            throw StoreError.badURL("its TLS settings do not load (\(error)): is sslrootcert a PEM file alertgate may read?")
        }
        var configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                             password: address.password, database: address.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                                                                  id: 0, logger: logger).get()
            try? await connection.close().get()
        } catch {
            var reason = "\(described(error))"
            if case .database(let detail) = described(error) as? StoreError { reason = detail }
            if ["CERTIFICATE_VERIFY_FAILED", "unableToValidateCertificate", "failedToValidateHostname"].contains(where: reason.contains) {
                reason = "the server's TLS certificate does not verify against sslrootcert (or the system's roots) for this host name; "
                    + "sslmode=require encrypts without checking it (\(reason))"
            }
            throw StoreError.database("cannot connect to \(address.host):\(address.port) as \(address.user): \(reason)")
        }
    }

    /// Returns when the store closes; throws when the writer lock's connection is lost (the
    /// gateway must stop: a standby takes over). Returns at once for a store without the lock.
    public func watchWriterLock() async throws {
        try await writerLock.withLock { $0 }?.watch()
    }

    /// Throws unless this store holds the writer lock (in its turn, with `turns`); does nothing
    /// for a store opened with `Sharing.none`.
    func fence(on connection: PostgresConnection) async throws {
        try await writerLock.withLock { $0 }?.fence(on: connection)
    }

    /// Closes the connections (and with them the writer lock); the store is not used afterwards.
    public func close() async {
        await writerLock.withLock { lock in defer { lock = nil }; return lock }?.release()
        running.cancel()
        _ = await running.value
    }

    // MARK: - Schema

    /// Applies the migrations not yet applied, in one transaction under an advisory lock:
    /// replicas starting together wait for each other, and the first applies them.
    func migrate() async throws {
        try await inTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS alertgate_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM alertgate_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            let unknown = applied.subtracting(PostgresMigrations.all.map(\.name)).sorted()
            if !unknown.isEmpty { throw StoreError.newerSchema(path: "the PostgreSQL database", unknown: unknown) }
            for migration in PostgresMigrations.all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO alertgate_migrations (name) VALUES (\(migration.name))", logger: logger)
                logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            }
        }
    }

    /// Runs `body` in a transaction on one connection of the pool: committed when it returns,
    /// rolled back when it throws, and its own error (not the client's wrapper) thrown on.
    func inTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw Self.described(error.closureError ?? error.beginError ?? error.commitError ?? error)
        }
    }

    /// PostgresNIO's errors say nothing in their description (lest a query's values leak into
    /// logs): the server's message and SQLSTATE, or what failed on the way, say what to fix.
    static func described(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        if let server = error.serverInfo, let message = server[.message] {
            return StoreError.database("\(message) (SQLSTATE \(server[.sqlState] ?? "?"))")
        }
        return StoreError.database("\(error.code)\(error.underlying.map { ": \($0)" } ?? "")")
    }

    /// Names of the applied migrations, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        var names: [String] = []
        let rows = try await client.query("SELECT name FROM alertgate_migrations ORDER BY applied_at, name", logger: logger)
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }
}
