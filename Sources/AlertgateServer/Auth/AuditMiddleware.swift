import AlertgateCore
import Hummingbird
import Logging

/// Writes every request of a `write` or `admin` route (`RouteScope`) to the append-only audit
/// log, after its answer: who (the token's name), from where, what, and the status, refusals
/// included. It runs after `TokenAuthenticator` and before `ScopeMiddleware`, so it sees the
/// token and the 401 or 403 a refusal gets.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let audit: any AuditStore
    let clock: any WallClock
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch RouteScope.need(method: request.method, path: request.uri.path) {
        case .scope(.write), .scope(.admin): break
        default: return try await next(request, context)
        }
        do {
            let response = try await next(request, context)
            await record(request, context, status: Int(response.status.code))
            return response
        } catch {
            let status = (APIError.from(error) as? any HTTPResponseError)?.status.code ?? 500
            await record(request, context, status: Int(status))
            throw error
        }
    }

    /// The query as sent, less a `token` parameter: a secret is never written to the log.
    static func query(_ query: String?) -> String? {
        guard let query, !query.isEmpty else { return nil }
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("token=") && $0 != "token" }
        return kept.isEmpty ? nil : kept.joined(separator: "&")
    }

    private func record(_ request: Request, _ context: Context, status: Int) async {
        let entry = AuditEntry(at: clock.now(), actor: context.identity?.name, address: context.remoteAddress?.ipAddress,
                               method: request.method.rawValue, path: request.uri.path, status: status, detail: Self.query(request.uri.query))
        await Self.append(entry, to: audit, logger: logger)
    }

    /// Writes `entry`; a failure is logged, never the request's failure (the console writes its own here too).
    static func append(_ entry: AuditEntry, to audit: any AuditStore, logger: Logger) async {
        do {
            try await audit.append(entry)
        } catch {
            logger.error("audit entry not stored", metadata: ["path": "\(entry.path)", "error": "\(error)"])
        }
    }
}
