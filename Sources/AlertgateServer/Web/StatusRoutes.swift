import AlertgateCore
import Hummingbird

/// The public status page, without a token: `GET /status` (HTML, `StatusPageHTML`) with its
/// stylesheet `GET /status.css`, and its data as JSON at `GET /status.json` and
/// `GET /api/v2/summary.json` (the path Statuspage widgets ask for). What they show is
/// `StatusSummary`'s choice: public components, and incidents with public updates only.
struct StatusRoutes: Sendable {
    let book: PolicyBook
    let store: any StoreReader
    let externalURL: ExternalURL
    let clock: any WallClock

    /// The most open incidents one answer reads.
    static let openIncidentLimit = 500
    /// The days each component's bar shows.
    static let historyDays = 90
    /// The incidents of those days one page reads, newest first.
    static let historyIncidentLimit = 2000
    /// Resolved incidents whose timelines are read for the page's past incidents, and how many it shows.
    static let pastIncidentsRead = 50
    static let pastIncidentsShown = 10

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/status.json") { _, _ in JSONOutput.response(try await summary().summary) }
        router.get("/api/v2/summary.json") { _, _ in JSONOutput.response(try await summary().summary) }
        router.get("/status") { _, _ in try await page() }
        router.get("/status.atom") { _, _ in try await feed() }
        router.get("/status.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StatusPageHTML.css)))
        }
    }

    func summary() async throws -> (summary: StatusSummary, open: [IncidentState]) {
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
        return (summary, open)
    }

    /// The incidents of the last `historyDays` days (newest first, at most `historyIncidentLimit`).
    func recentIncidents(now: Timestamp) async throws -> [IncidentState] {
        var query = IncidentQuery()
        query.since = Timestamp(milliseconds: now.milliseconds - Int64(Self.historyDays) * StatusHistory.dayMilliseconds)
        query.limit = Self.historyIncidentLimit
        return try await store.incidents(query)
    }

    /// The most recently ended of `recent` that have a public update, as the page shows them.
    func pastIncidents(_ recent: [IncidentState], summary: StatusSummary) async throws -> [StatusSummary.Incident] {
        let byService = StatusSummary.componentIndex(summary.components)
        var past: [StatusSummary.Incident] = []
        let ended = recent.filter { $0.status == .resolved || $0.status == .closed }
            .sorted { ($0.resolvedAt ?? $0.openedAt) > ($1.resolvedAt ?? $1.openedAt) }
        for incident in ended.prefix(Self.pastIncidentsRead) where past.count < Self.pastIncidentsShown {
            let lines = try await store.timeline(incidentID: incident.id)
            if let shown = StatusSummary.publicIncident(incident, lines: lines, components: summary.components, byService: byService) {
                past.append(shown)
            }
        }
        return past
    }

    func page() async throws -> Response {
        let (summary, open) = try await summary()
        let now = summary.page.updatedAt
        let recent = try await recentIncidents(now: now)
        let openIDs = Set(open.map(\.id))
        let all = open + recent.filter { !openIDs.contains($0.id) }
        var history: [String: [StatusHistory.Day]] = [:]
        for component in summary.components where component.members == nil {
            history[component.id] = StatusHistory.days(service: component.id, incidents: all, days: Self.historyDays, now: now)
        }
        let past = try await pastIncidents(recent, summary: summary)
        let html = StatusPageHTML.render(summary: summary, history: history, resolved: past)
        return Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: StatusPageHTML.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .cacheControl: "no-cache",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `GET /status.atom`: the public updates of the open and recently ended incidents.
    func feed() async throws -> Response {
        let (summary, _) = try await summary()
        let past = try await pastIncidents(try await recentIncidents(now: summary.page.updatedAt), summary: summary)
        let xml = StatusFeed.atom(summary: summary, incidents: summary.incidents + past, pageURL: externalURL.value + "/status")
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8", .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}
