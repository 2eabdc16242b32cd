/// How far `alertgate db copy` is: rows copied of the table it is on, of the rows that table
/// has, and over every table.
public struct DatabaseCopyProgress: Sendable {
    public var table: String
    public var copied: Int
    public var total: Int
    public var copiedInAll: Int
    public var totalInAll: Int

    public init(table: String, copied: Int, total: Int, copiedInAll: Int, totalInAll: Int) {
        self.table = table
        self.copied = copied
        self.total = total
        self.copiedInAll = copiedInAll
        self.totalInAll = totalInAll
    }
}

/// A count compared after `alertgate db copy`: rows of a table (or the payloads' stored bytes)
/// in the source and in the copy.
public struct DatabaseCopyCheck: Sendable, Equatable {
    public var what: String
    public var source: Int64
    public var copied: Int64
    public var matches: Bool { source == copied }

    public init(what: String, source: Int64, copied: Int64) {
        self.what = what
        self.source = source
        self.copied = copied
    }
}
