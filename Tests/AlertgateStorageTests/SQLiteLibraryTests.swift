import AlertgateStorage
import Foundation
import GRDB
import GRDBSQLite
import Testing

/// `SQLiteLibrary.stopCountingMemory`: SQLite's process-wide count of its memory, off when set
/// before SQLite starts, and a call after that changes nothing and says so. Each runs in a
/// process of its own (an exit test): SQLite takes the setting only before its first database
/// opens in the process, which in the test runner's own process has long happened.
@Suite("SQLite's process-wide settings")
struct SQLiteLibraryTests {
    @Test("set first in a process, SQLite counts none of the memory its databases use")
    func countsNothingWhenSetFirst() async {
        await #expect(processExitsWith: .success) {
            guard SQLiteLibrary.stopCountingMemory() else { exit(1) }
            let queue = try DatabaseQueue()
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(100000)), (randomblob(5000))")
            }
            guard try queue.read({ db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }) == 2 else { exit(2) }
            guard sqlite3_memory_used() == 0 else { exit(3) }
            // SQLite is running now: a second call is refused.
            guard !SQLiteLibrary.stopCountingMemory() else { exit(4) }
            exit(0)
        }
    }

    @Test("set after a database opened, nothing changes, and the call says so")
    func tooLateChangesNothing() async {
        await #expect(processExitsWith: .success) {
            let queue = try DatabaseQueue()
            try queue.write { db in try db.execute(sql: "CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(100000))") }
            guard !SQLiteLibrary.stopCountingMemory() else { exit(1) }
            guard sqlite3_memory_used() > 0 else { exit(2) }
            try queue.write { db in try db.execute(sql: "INSERT INTO t VALUES (randomblob(5000))") }
            guard try queue.read({ db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }) == 2 else { exit(3) }
            exit(0)
        }
    }
}
