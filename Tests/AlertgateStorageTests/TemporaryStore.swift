import AlertgateTesting
import AlertgateCompression
import AlertgateCore
@testable import AlertgatePostgres
@testable import AlertgateStorage
import Foundation

/// Hand-moved time: seconds after 2026-11-29T04:00:00Z.
func at(_ seconds: Int64) -> Timestamp {
    Timestamp(milliseconds: 1_795_924_800_000 + seconds * 1000)
}

/// A fresh database file in its own temporary folder, removed with the folder afterwards.
struct TemporaryDatabase {
    let folder: URL
    let path: String

    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("alertgate-storage-tests-\(UUID().uuidString)")
        path = folder.appendingPathComponent("alertgate.sqlite").path
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs `body` with a store on a fresh temporary file and removes the file afterwards.
func withTemporaryStore<R>(_ body: (SQLiteStore) async throws -> R) async throws -> R {
    let database = TemporaryDatabase()
    defer { database.remove() }
    let store = try SQLiteStore(path: database.path)
    return try await body(store)
}

/// Places signals through a real correlator and wraps them as the pipeline would store them.
/// Repeats are stored as signals unless a test asks for folding (`FoldedRepeatsTests`): these
/// tests send the same signal again to make rows.
struct Feed {
    var correlator: Correlator

    init(config: CorrelationConfig = CorrelationConfig(foldRepeats: false)) {
        correlator = Correlator(config: config)
    }

    /// One payload holding `signals`, received at `seconds`; `bytes` are its original body.
    mutating func record(
        _ signals: [Signal], at seconds: Int64, bytes: [UInt8]? = nil, encoding: StoredPayload.Encoding = .zlib,
        contentType: String = "application/json"
    ) -> IngestRecord {
        let received = at(seconds)
        var placed: [PlacedSignal] = []
        for (item, signal) in signals.enumerated() {
            placed.append(PlacedSignal(signal: signal, item: item, outcome: correlator.ingest(signal, receivedAt: received), receivedAt: received))
        }
        let original = bytes ?? Array("{\"signals\":\(signals.count)}".utf8)
        let stored = encoding == .zlib ? Zlib.compress(original) : original
        let payload = StoredPayload(source: signals.first?.source ?? .events, contentType: contentType, encoding: encoding,
                                    originalSize: original.count, bytes: stored, receivedAt: received)
        return IngestRecord(payload: payload, signals: placed)
    }

    mutating func record(_ signal: Signal, at seconds: Int64, bytes: [UInt8]? = nil, encoding: StoredPayload.Encoding = .zlib) -> IngestRecord {
        record([signal], at: seconds, bytes: bytes, encoding: encoding)
    }

    /// One signal stored with `payload` as the compressor made it.
    mutating func record(_ signal: Signal, payload: StoredPayload) -> IngestRecord {
        let placed = PlacedSignal(signal: signal, item: 0, outcome: correlator.ingest(signal, receivedAt: payload.receivedAt),
                                  receivedAt: payload.receivedAt)
        return IngestRecord(payload: payload, signals: [placed])
    }
}

/// An alert-kind signal; its fingerprint comes from `name` and `service`.
func alert(
    _ service: String, _ name: String, status: SignalStatus = .firing, severity: Severity = .error,
    labels: [String: String] = [:], occurredAt: Timestamp? = nil
) -> Signal {
    Signal(kind: .alert, source: .events, status: status, service: service, title: name,
           severity: severity, labels: labels, occurredAt: occurredAt)
}

/// The stores the conformance tests run against: each test of a suite taking `StoreKind`
/// arguments runs once on a fresh SQLite file and once on a fresh PostgreSQL database
/// (`TemporaryPostgres`), and expects the same.
enum StoreKind: String, CaseIterable, Sendable {
    case sqlite, postgres
}

/// What both stores implement and the conformance tests hold them to.
typealias ConformingStore = StoreWriter & StoreReader & SilenceStore & AuditStore & ComponentStateStore & NotificationStore & RetentionStore & HeartbeatStore
    & StoreSQL

/// Plain SQL on a store's database, for tests that count rows or change one behind the store's back.
protocol StoreSQL {
    /// Rows of `table` where `condition` holds.
    func rowCount(_ table: String, where condition: String) async throws -> Int
    func execute(_ sql: String) async throws
}

extension SQLiteStore: StoreSQL {
    func rowCount(_ table: String, where condition: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)") ?? 0 }
    }

    func execute(_ sql: String) async throws {
        try await pool.write { db in try db.execute(sql: sql) }
    }
}

extension PostgresStore: StoreSQL {
    func rowCount(_ table: String, where condition: String) async throws -> Int {
        try await rows("SELECT count(*) AS n FROM \(unescaped: table) WHERE \(unescaped: condition)") { try $0["n"].decode(Int.self) }.first ?? 0
    }

    func execute(_ sql: String) async throws {
        _ = try await rows("\(unescaped: sql)") { _ in () }
    }
}

/// Runs `body` with a fresh store of `kind`, closed and removed afterwards.
func withTemporaryStore<R>(_ kind: StoreKind, _ body: (any ConformingStore) async throws -> R) async throws -> R {
    switch kind {
    case .sqlite:
        return try await withTemporaryStore { store in try await body(store) }
    case .postgres:
        let store = try await PostgresStore.open(url: try await TemporaryPostgres.database())
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
