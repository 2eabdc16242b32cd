/// The database file's size and vacuum mode, as SQLite reports them (`SQLiteStore.fileStats`).
public struct DatabaseFileStats: Hashable, Sendable {
    /// `PRAGMA auto_vacuum`'s answer for INCREMENTAL (`v8-incremental-vacuum`).
    public static let incremental = 2

    public var pageSize: Int
    public var pageCount: Int
    /// Pages on the free list: freed by deletes, not yet handed back to the file system.
    public var freePages: Int
    /// 0 none, 1 full, 2 incremental.
    public var autoVacuum: Int

    public init(pageSize: Int, pageCount: Int, freePages: Int, autoVacuum: Int) {
        self.pageSize = pageSize
        self.pageCount = pageCount
        self.freePages = freePages
        self.autoVacuum = autoVacuum
    }

    /// The database's size in bytes (the file's, once the WAL is checkpointed).
    public var bytes: Int64 { Int64(pageSize) * Int64(pageCount) }
}
