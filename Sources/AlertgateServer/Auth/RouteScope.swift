import AlertgateCore
import HTTPTypes

/// The scope each route asks for, by method and path: the one table of who may do what.
enum RouteScope {
    enum Need: Equatable {
        /// Anyone: health and readiness.
        case none
        /// A token with this scope.
        case scope(AuthScope)
        /// `/metrics`: a token with `read`, or a peer on loopback.
        case metrics
    }

    static func need(method: HTTPRequest.Method, path: String) -> Need {
        switch path {
        case "/healthz", "/readyz": return .none
        // The public status page.
        case "/status", "/status.css", "/status.json", "/status.atom", "/api/v2/summary.json": return method == .get || method == .head ? .none : .scope(.write)
        // Its "Report a problem" form: limited on its own (`StatusReportRoutes`).
        case "/status/report": return method == .post ? .none : .scope(.read)
        case "/metrics": return .metrics
        default: break
        }
        // Named status pages: `/status/{page}`, `.json`, `.atom`.
        if path.hasPrefix("/status/") { return method == .get || method == .head ? .none : .scope(.write) }
        // The console: signed in by its own cookie, its scopes below (`ConsoleMiddleware`).
        if ConsoleRoutes.isConsole(path: path) { return .none }
        if path.hasPrefix("/api/v1/admin/") || path == "/api/v1/audit" { return .scope(.admin) }
        if isIngest(method: method, path: path) { return .scope(.ingest) }
        // A heartbeat's ping is ingest whatever its method: cron lines ping with GET.
        if path.hasPrefix("/api/v1/heartbeats/") { return .scope(.ingest) }
        return .scope(method == .get || method == .head ? .read : .write)
    }

    /// The paths monitoring tools send to.
    static func isIngest(method: HTTPRequest.Method, path: String) -> Bool {
        guard method == .post || method == .put else { return false }
        if path == "/api/v1/events" || path == "/api/v1/changes" || path == "/api/v1/reports" || path.hasPrefix("/api/v1/ingest/") { return true }
        if path == "/api/v2/alerts" { return true }
        if path == "/v2/enqueue" || path == "/v2/change/enqueue" || path == "/v1/traces" || path == "/gelf" { return true }
        return false
    }

    /// The scope a console page or action needs: reading pages needs `read`, acting (every
    /// form but signing out) `write`.
    static func console(method: HTTPRequest.Method, path: String) -> AuthScope {
        method == .get || method == .head || path == "/ui/logout" ? .read : .write
    }
}
