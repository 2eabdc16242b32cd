import AlertgateCore
import Hummingbird

/// The public status page's JSON: `GET /status.json` and `GET /api/v2/summary.json` (the path
/// Statuspage widgets ask for), without a token. What it shows is `StatusSummary`'s choice:
/// public components, and incidents with public updates only.
struct StatusRoutes: Sendable {
    let book: PolicyBook
    let store: any StoreReader
    let externalURL: ExternalURL
    let clock: any WallClock

    /// The most open incidents one answer reads.
    static let openIncidentLimit = 500

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/status.json") { _, _ in try await summary() }
        router.get("/api/v2/summary.json") { _, _ in try await summary() }
    }

    func summary() async throws -> Response {
        var query = IncidentQuery()
        query.statuses = [.open, .acknowledged]
        query.limit = Self.openIncidentLimit
        let open = try await store.incidents(query)
        var publicLines: [Int64: [StoredTimelineEntry]] = [:]
        for incident in open {
            let lines = try await store.timeline(incidentID: incident.id).filter(\.entry.isPublic)
            if !lines.isEmpty { publicLines[incident.id] = lines }
        }
        let summary = StatusSummary.build(pageName: "Status", url: externalURL.value + "/status", catalog: book.current.policy.catalog,
                                          open: open, publicLines: publicLines, now: clock.now())
        return JSONOutput.response(summary)
    }
}
