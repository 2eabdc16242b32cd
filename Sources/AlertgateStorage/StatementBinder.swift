import AlertgateCore
import GRDB
import GRDBSQLite

/// Binds one row's values straight to a cached statement with `sqlite3_bind_*`, then steps it.
/// The writer's most frequent rows (payloads, signals, alerts) skip `StatementArguments`, an
/// array of existentials built and unpacked again for every row (a few percent of server CPU
/// under load, measured with perf). Values are bound in the order of the statement's `?`
/// parameters.
///
/// The statement is reset and stepped here, not through GRDB's `Statement.execute()`: what GRDB
/// does around a step (a second reset, the observation of regions and transaction observers,
/// autocommit transitions, suspension checks) has nothing to do for an INSERT or UPDATE inside
/// the writer's transaction, and took ~10 % of the writer's CPU. A hundred alerts per POST,
/// the binaries before and after alternating: 30,452 → 33,543 alerts a second, the means of
/// six runs each (BENCHMARKS.md, the notes of the first run with it). Only for such
/// statements: one that begins or ends a transaction, changes the schema, or is watched by an
/// observer goes through GRDB. A failed step throws, and the writer's transaction is rolled
/// back.
struct StatementBinder {
    /// SQLite copies the bytes it is given (SQLITE_TRANSIENT): they need not outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private let statement: Statement
    private var index: Int32 = 0
    private var status = SQLITE_OK

    init(_ statement: Statement) {
        // Every parameter is bound again (`execute` checks), so the old bindings need no
        // clearing. The code returned repeats that of the last step, already thrown then.
        sqlite3_reset(statement.sqliteStatement)
        self.statement = statement
    }

    mutating func bind(_ value: Int64) {
        record(sqlite3_bind_int64(statement.sqliteStatement, next(), value))
    }

    mutating func bind(_ value: Int) {
        bind(Int64(value))
    }

    mutating func bind(_ value: Int64?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bind(_ value: String) {
        var text = value
        text.withUTF8 { bind(text: $0) }
    }

    /// Text given as its UTF-8 bytes (a fingerprint's, formatted on the stack).
    mutating func bind(text utf8: UnsafeBufferPointer<UInt8>) {
        let position = next()
        // A nil pointer would bind NULL: an empty string is bound from a literal.
        guard let base = utf8.baseAddress, !utf8.isEmpty else {
            record(sqlite3_bind_text(statement.sqliteStatement, position, "", 0, Self.transient))
            return
        }
        let characters = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
        record(sqlite3_bind_text(statement.sqliteStatement, position, characters, Int32(utf8.count), Self.transient))
    }

    mutating func bind(_ fingerprint: Fingerprint) {
        fingerprint.withUTF8 { bind(text: $0) }
    }

    mutating func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bind(blob: [UInt8]) {
        let position = next()
        record(blob.withUnsafeBytes { bytes in
            // A nil pointer would bind NULL: an empty blob is a zero-length one.
            guard let base = bytes.baseAddress else { return sqlite3_bind_zeroblob(statement.sqliteStatement, position, 0) }
            return sqlite3_bind_blob(statement.sqliteStatement, position, base, Int32(bytes.count), Self.transient)
        })
    }

    mutating func bindNull() {
        record(sqlite3_bind_null(statement.sqliteStatement, next()))
    }

    /// Runs the statement with the values bound.
    func execute() throws {
        guard status == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: status), message: "binding parameter \(index) failed", sql: statement.sql)
        }
        precondition(index == sqlite3_bind_parameter_count(statement.sqliteStatement), "every parameter of \(statement.sql) is bound")
        // What GRDB's bookkeeping is spared for: a statement inside an open transaction.
        assert(sqlite3_get_autocommit(sqlite3_db_handle(statement.sqliteStatement)) == 0, "\(statement.sql) runs outside a transaction")
        var code = sqlite3_step(statement.sqliteStatement)
        while code == SQLITE_ROW { code = sqlite3_step(statement.sqliteStatement) }
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)))
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    private mutating func next() -> Int32 {
        index += 1
        return index
    }

    private mutating func record(_ code: Int32) {
        if status == SQLITE_OK { status = code }
    }
}
