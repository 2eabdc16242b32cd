import AlertgateCore
import Hummingbird

/// `GET /api/v1/audit` (the `admin` scope): the audit log, newest first (`before`, `limit`).
struct AuditRoutes: Sendable {
    let audit: any AuditStore

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/audit") { request, _ in
            let parameters = QueryParameters(request.uri)
            let limit = try parameters.integer("limit") ?? 100
            guard (1...1000).contains(limit) else { throw APIError.invalidParameter("limit", "must be between 1 and 1000") }
            let entries = try await audit.auditEntries(beforeID: try parameters.integer("before"), limit: Int(limit))
            return JSONOutput.response(["entries": entries.map(AuditView.init)])
        }
    }
}

struct AuditView: Encodable {
    let entry: AuditEntry

    enum CodingKeys: String, CodingKey { case id, at, actor, address, method, path, status, detail }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entry.id, forKey: .id)
        try c.encode(entry.at.rfc3339, forKey: .at)
        try c.encode(entry.actor, forKey: .actor)
        try c.encode(entry.address, forKey: .address)
        try c.encode(entry.method, forKey: .method)
        try c.encode(entry.path, forKey: .path)
        try c.encode(entry.status, forKey: .status)
        try c.encode(entry.detail, forKey: .detail)
    }
}
