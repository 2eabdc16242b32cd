import AlertgateCore
import GRDB

extension SQLiteStore: AuditStore {
    public func append(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO audit (at, actor, address, method, path, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [entry.at.milliseconds, entry.actor, entry.address, entry.method, entry.path, entry.status, entry.detail])
        }
    }

    public func auditEntries(beforeID: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?", arguments: [beforeID ?? Int64.max, limit]).map { row in
                AuditEntry(id: row["id"], at: Timestamp(milliseconds: row["at"]), actor: row["actor"], address: row["address"],
                           method: row["method"], path: row["path"], status: row["status"], detail: row["detail"])
            }
        }
    }
}
