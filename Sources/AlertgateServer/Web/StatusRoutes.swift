import AlertgateCore
import Hummingbird

/// The public status page, without a token: `GET /status` (HTML, `StatusPageHTML`) with its
/// stylesheet `GET /status.css`, and its data as JSON at `GET /status.json` and
/// `GET /api/v2/summary.json` (the path Statuspage widgets ask for). What they show is
/// `StatusSummary`'s choice: public components, and incidents with public updates only.
/// A named page (`public: {page: partners}` in the catalog) answers the same at
/// `/status/partners`, `/status/partners.json` and `/status/partners.atom`, with its own
/// components only.
struct StatusRoutes: Sendable {
    let book: PolicyBook
    let store: any StoreReader & ComponentStateStore
    let externalURL: ExternalURL
    let clock: any WallClock
    /// The page, its JSON and its feed are each built once for the visitors that ask meanwhile.
    let builds = SharedBuilds<String>()

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
        router.get("/status.json") { _, _ in try await json(nil) }
        router.get("/api/v2/summary.json") { _, _ in try await json(nil) }
        router.get("/status") { _, _ in try await page(nil) }
        router.get("/status.atom") { _, _ in try await feed(nil) }
        router.get("/status/:page") { _, context in
            let segment = context.parameters.get("page") ?? ""
            for (suffix, answer) in [(".json", Answer.json), (".atom", .feed)] where segment.hasSuffix(suffix) {
                return try await named(String(segment.dropLast(suffix.count)), answer)
            }
            return try await named(segment, .page)
        }
        router.get("/status.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StatusPageHTML.css)))
        }
    }

    enum Answer { case page, json, feed }

    /// A named page's answer; 404 for a page no component is on.
    func named(_ page: String, _ answer: Answer) async throws -> Response {
        guard book.current.policy.catalog.services.contains(where: { $0.publicPage == page && $0.publicName != nil }) else {
            throw APIError.notFound("status page \(page)")
        }
        switch answer {
        case .page: return try await self.page(page)
        case .json: return try await json(page)
        case .feed: return try await feed(page)
        }
    }

    /// The page's own address: `/status` or `/status/{page}`.
    static func path(_ page: String?) -> String {
        page.map { "/status/\($0)" } ?? "/status"
    }

    func summary(page: String?) async throws -> (summary: StatusSummary, open: [IncidentState]) {
        var query = IncidentQuery()
        query.statuses = [.open, .acknowledged]
        query.limit = Self.openIncidentLimit
        let open = try await store.incidents(query)
        var publicLines: [Int64: [StoredTimelineEntry]] = [:]
        for incident in open {
            let lines = try await store.timeline(incidentID: incident.id).filter(\.entry.isPublic)
            if !lines.isEmpty { publicLines[incident.id] = lines }
        }
        var overrides: [String: StatusSummary.ComponentState] = [:]
        for set in try await store.componentStates() { overrides[set.service] = StatusSummary.ComponentState(rawValue: set.state) }
        let policy = book.current.policy
        let summary = StatusSummary.build(pageName: page.map { "Status: \($0)" } ?? "Status", url: externalURL.value + Self.path(page),
                                          catalog: policy.catalog, open: open, publicLines: publicLines, now: clock.now(), page: page,
                                          overrides: overrides, windows: policy.maintenance)
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
    func pastIncidents(_ recent: [IncidentState], summary: StatusSummary, page: String?) async throws -> [StatusSummary.Incident] {
        let byService = StatusSummary.componentIndex(summary.components)
        let catalog = book.current.policy.catalog
        var past: [StatusSummary.Incident] = []
        let ended = recent.filter { $0.status == .resolved || $0.status == .closed }
            .sorted { ($0.resolvedAt ?? $0.openedAt) > ($1.resolvedAt ?? $1.openedAt) }
        for incident in ended.prefix(Self.pastIncidentsRead) where past.count < Self.pastIncidentsShown {
            let lines = try await store.timeline(incidentID: incident.id)
            if let shown = StatusSummary.publicIncident(incident, lines: lines, components: summary.components, byService: byService),
               StatusSummary.shows(shown, of: incident, page: page, catalog: catalog) {
                past.append(shown)
            }
        }
        return past
    }

    /// The summary as JSON (`/status.json`, `/api/v2/summary.json`, `/status/{page}.json`).
    func json(_ name: String?) async throws -> Response {
        let text = try await builds.value("json:" + Self.path(name)) {
            String(decoding: JSONOutput.encode(try await summary(page: name).summary), as: UTF8.self)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func page(_ name: String?) async throws -> Response {
        let html = try await builds.value("page:" + Self.path(name)) { try await pageHTML(name) }
        return Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: StatusPageHTML.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .cacheControl: "no-cache",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func pageHTML(_ name: String?) async throws -> String {
        let (summary, open) = try await summary(page: name)
        let now = summary.page.updatedAt
        let recent = try await recentIncidents(now: now)
        let openIDs = Set(open.map(\.id))
        let all = open + recent.filter { !openIDs.contains($0.id) }
        var history: [String: [StatusHistory.Day]] = [:]
        for component in summary.components where component.members == nil {
            history[component.id] = StatusHistory.days(service: component.id, incidents: all, days: Self.historyDays, now: now)
        }
        let past = try await pastIncidents(recent, summary: summary, page: name)
        return StatusPageHTML.render(summary: summary, history: history, resolved: past, path: Self.path(name))
    }

    /// `GET /status.atom`: the public updates of the open and recently ended incidents.
    func feed(_ name: String?) async throws -> Response {
        let xml = try await builds.value("feed:" + Self.path(name)) {
            let (summary, _) = try await summary(page: name)
            let past = try await pastIncidents(try await recentIncidents(now: summary.page.updatedAt), summary: summary, page: name)
            return StatusFeed.atom(summary: summary, incidents: summary.incidents + past, pageURL: externalURL.value + Self.path(name))
        }
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8", .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}
