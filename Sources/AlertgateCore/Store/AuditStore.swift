/// One write action through the API, as the audit log keeps it.
public struct AuditEntry: Hashable, Sendable {
    public var id: Int64
    public var at: Timestamp
    /// The token's name; nil without tokens (or when none authenticated the request).
    public var actor: String?
    /// The peer's address.
    public var address: String?
    public var method: String
    public var path: String
    /// The answer's HTTP status: refused attempts are kept too.
    public var status: Int
    public var detail: String?

    public init(id: Int64 = 0, at: Timestamp, actor: String?, address: String?, method: String, path: String, status: Int, detail: String? = nil) {
        self.id = id
        self.at = at
        self.actor = actor
        self.address = address
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
    }
}

/// The append-only audit log: entries are added, never changed or removed.
public protocol AuditStore: Sendable {
    func append(_ entry: AuditEntry) async throws
    /// Newest first, below `beforeID`.
    func auditEntries(beforeID: Int64?, limit: Int) async throws -> [AuditEntry]
}
