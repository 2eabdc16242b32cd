@testable import AlertgateStorage
import Foundation
import GRDB
import Testing

@Suite("StatementBinder: rows bound and stepped outside GRDB's execute, failures thrown as GRDB's errors")
struct StatementBinderTests {
    static func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, size INTEGER, data BLOB) STRICT")
        }
        return queue
    }

    @Test func rowsAreStoredWithEveryKindOfValue() throws {
        let queue = try Self.database()
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (name, size, data) VALUES (?, ?, ?)")
            for (name, size) in [("a", Int64?.some(1)), ("", nil), ("é", 3)] {
                var row = StatementBinder(insert)
                row.bind(name)
                row.bind(size)
                row.bind(blob: Array(name.utf8))
                try row.execute()
                #expect(db.changesCount == 1)
            }
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT name, size, data FROM t ORDER BY id") }
        #expect(rows.map { $0["name"] as String } == ["a", "", "é"])
        #expect(rows.map { $0["size"] as Int64? } == [1, nil, 3])
        #expect(rows.map { ($0["data"] as Data?).map(Array.init) } == [Array("a".utf8), [], Array("é".utf8)])
    }

    /// A failed step is a `DatabaseError` naming the constraint, and the cached statement serves
    /// the next row: the binder resets it before binding.
    @Test func aFailedStepThrowsAndTheStatementServesAgain() throws {
        let queue = try Self.database()
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (name) VALUES (?)")
            func add(_ name: String) throws {
                var row = StatementBinder(insert)
                row.bind(name)
                try row.execute()
            }
            try add("a")
            let error = try #require(throws: DatabaseError.self) { try add("a") }
            #expect(error.resultCode == .SQLITE_CONSTRAINT)
            #expect(error.message?.contains("t.name") == true, "\(String(describing: error.message))")
            #expect(error.sql == "INSERT INTO t (name) VALUES (?)")
            try add("b")
        }
        #expect(try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM t ORDER BY id") } == ["a", "b"])
    }
}
