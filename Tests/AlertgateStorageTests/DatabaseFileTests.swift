import AlertgateCore
import AlertgateStorage
import Foundation
import GRDB
import Testing

@Suite("The database file: refused clearly when it is not ours, checked, backed up online")
struct DatabaseFileTests {
    @Test func aFileThatIsNotSQLiteIsRefusedWithItsPath() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(at: database.folder, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: database.path))
        #expect {
            _ = try SQLiteStore(path: database.path)
        } throws: { error in
            guard case StoreError.notADatabase(let path, _) = error else { return false }
            return path == database.path && "\(error)".contains("is not an alertgate database")
        }
        #expect(throws: StoreError.self) { _ = try SQLiteStore.check(path: database.path) }
    }

    @Test func anotherProgramsDatabaseIsLeftAlone() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(at: database.folder, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: database.path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)") }
        try queue.close()
        #expect(throws: StoreError.foreignDatabase(path: database.path, tables: ["invoices"])) { _ = try SQLiteStore(path: database.path) }
        // Nothing was written into it.
        let reopened = try DatabaseQueue(path: database.path)
        #expect(try reopened.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") } == ["invoices"])
    }

    @Test func aNewerAlertgatesDatabaseIsRefusedNotMigrated() throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        _ = try SQLiteStore(path: database.path)
        let queue = try DatabaseQueue(path: database.path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        #expect(throws: StoreError.newerSchema(path: database.path, unknown: ["v99-from-the-future"])) { _ = try SQLiteStore(path: database.path) }
        #expect(throws: StoreError.self) { _ = try SQLiteStore.check(path: database.path) }
    }

    @Test func anOnlineBackupHoldsEveryRowAndChecksOK() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        var feed = Feed()
        try await store.commit(StoreBatch(entries: [.ingest(feed.record([alert("api", "Slow"), alert("db", "Down")], at: 0))]))
        #expect(try SQLiteStore.check(path: database.path) == "ok")
        let copy = database.folder.appendingPathComponent("backup.sqlite").path
        try store.backup(to: copy)
        #expect(try SQLiteStore.check(path: copy) == "ok")
        let restored = try SQLiteStore(path: copy)
        #expect(try await restored.counts() == (try await store.counts()))
        #expect(try await restored.incident(id: 2)?.title == "Down")
    }
}

@Suite("The audit log: appended, read newest first, never changed")
struct AuditStoreTests {
    @Test func entriesAreAppendedAndNeitherChangedNorRemoved() async throws {
        try await withTemporaryStore { store in
            try await store.append(AuditEntry(at: at(0), actor: "ana", address: "127.0.0.1", method: "POST", path: "/api/v1/incidents/1/acknowledge", status: 200))
            try await store.append(AuditEntry(at: at(1), actor: nil, address: "10.0.0.9", method: "POST", path: "/api/v1/admin/reload", status: 401))
            let entries = try await store.auditEntries(beforeID: nil, limit: 10)
            #expect(entries.map(\.id) == [2, 1] && entries.map(\.status) == [401, 200] && entries.last?.actor == "ana")
            #expect(try await store.auditEntries(beforeID: 2, limit: 10).map(\.id) == [1])
            // Append-only, in the schema itself.
            let queue = try DatabaseQueue(path: store.path)
            #expect(throws: DatabaseError.self) { try queue.write { db in try db.execute(sql: "UPDATE audit SET actor = 'mallory'") } }
            #expect(throws: DatabaseError.self) { try queue.write { db in try db.execute(sql: "DELETE FROM audit") } }
            try queue.close()
            #expect(try await store.auditEntries(beforeID: nil, limit: 10).map(\.actor) == [nil, "ana"])
        }
    }
}
