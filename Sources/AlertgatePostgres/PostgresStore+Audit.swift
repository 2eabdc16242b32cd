import AlertgateCore
import PostgresNIO

/// The audit log on the PostgreSQL store: a trigger refuses UPDATE and DELETE
/// (`PostgresMigrations`), as SQLite's does.
extension PostgresStore: AuditStore {
    public func append(_ entry: AuditEntry) async throws {
        _ = try await countRows("""
            INSERT INTO audit (at, actor, address, method, path, status, detail)
            VALUES (\(entry.at.milliseconds), \(entry.actor)::text, \(entry.address)::text, \(entry.method), \(entry.path), \(entry.status),
                    \(entry.detail)::text)
            """)
    }

    public func auditEntries(beforeID: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await rows("SELECT * FROM audit WHERE id < \(beforeID ?? Int64.max) ORDER BY id DESC LIMIT \(limit)") { row in
            AuditEntry(id: try row["id"].decode(Int64.self), at: try Self.time(row, "at"), actor: try row["actor"].decode(String?.self),
                       address: try row["address"].decode(String?.self), method: try row["method"].decode(String.self),
                       path: try row["path"].decode(String.self), status: try row["status"].decode(Int.self),
                       detail: try row["detail"].decode(String?.self))
        }
    }
}
