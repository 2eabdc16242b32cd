import AlertgateCore
import HTTPTypes
import Hummingbird
import Logging

/// The console engineers work incidents in, under `/ui`: the incident list, an incident's
/// page with its actions, the raw payloads, silences, the service catalog and stats; signing
/// in with a token at `/ui/login`. Reads go to the store, every action through the same
/// pipeline commands and services as the API. `ConsoleMiddleware` guards every page; the
/// pages themselves are `ConsoleViews`.
struct ConsoleRoutes: Sendable {
    let store: any StoreReader & NotificationStore
    let pipeline: IngestPipeline
    let book: PolicyBook
    let silences: SilenceService
    let componentStates: ComponentStateRoutes
    let sessions: ConsoleSessions
    let audit: any AuditStore
    let metrics: GatewayMetrics
    let clock: any WallClock
    let secureCookies: Bool
    let logger: Logger

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/ui.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: ConsoleViews.css)))
        }
        let ui = router.group("/ui").add(middleware: ConsoleMiddleware(sessions: sessions, book: book, audit: audit, clock: clock,
                                                                  secureCookies: secureCookies, logger: logger))
        ui.get { request, context in try await list(request, try console(context)) }
        ui.get("login") { request, _ in loginForm(request) }
        ui.post("login") { request, _ in try await login(request) }
        ui.post("logout") { _, context in logout(try console(context)) }
        ui.get("incidents/:id") { _, context in try await incident(try id(context), try console(context)) }
        for action in ConsoleViews.Action.allCases {
            ui.post("incidents/:id/\(action.rawValue)") { _, context in try await act(action, try id(context), try console(context)) }
        }
        ui.get("alerts/:id") { _, context in try await alert(try id(context), try console(context)) }
        ui.get("signals/:id/raw") { _, context in try await raw(try id(context), try console(context)) }
        ui.get("silences") { request, context in try await silencesPage(request, try console(context)) }
        ui.post("silences") { _, context in try await createSilence(try console(context)) }
        ui.post("silences/:id/expire") { _, context in
            _ = try await silences.expire(id: try id(context))
            return ConsolePage.redirect(to: "/ui/silences")
        }
        ui.get("services") { _, context in try await services(try console(context)) }
        ui.post("services/:service/state") { _, context in
            let console = try console(context)
            let service = try componentStates.publicService(context)
            let text = console.field("state") ?? ""
            if text == "automatic" {
                _ = try await componentStates.store.clearComponentState(service: service)
            } else {
                guard let state = StatusSummary.ComponentState(rawValue: text) else { throw ComponentStateRoutes.invalidState(text) }
                try await componentStates.set(service, state, by: console.identity?.name)
            }
            return ConsolePage.redirect(to: "/ui/services")
        }
        ui.get("stats") { request, context in try await stats(request, try console(context)) }
    }

    /// Whether `path` is one of the console's.
    static func isConsole(path: String) -> Bool {
        path == "/ui" || path == "/ui.css" || path.hasPrefix("/ui/")
    }

    func console(_ context: GatewayRequestContext) throws -> ConsoleRequest {
        guard let console = context.console else { throw APIError(.unauthorized, code: "unauthenticated", message: "Sign in first.") }
        return console
    }

    func id(_ context: GatewayRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError(.notFound, code: "not_found", message: "No such page.") }
        return id
    }

    // MARK: Signing in

    func loginForm(_ request: Request) -> Response {
        guard !book.current.policy.tokens.isEmpty else { return ConsolePage.redirect(to: "/ui") }
        return loginPage(next: Self.safeNext(request.uri.queryParameters.get("next")), message: nil, status: .ok)
    }

    /// The sign-in form with a new CSRF token, in its field and in the cookie it must match.
    func loginPage(next: String, message: String?, status: HTTPResponse.Status) -> Response {
        let csrf = TokenCheck.randomText()
        var response = ConsolePage.html(ConsoleViews.login(next: next, message: message, csrf: csrf), status: status)
        response.headers.append(HTTPField(name: .setCookie, value: ConsoleSessions.loginCookie(csrf, secure: secureCookies)))
        return response
    }

    /// Signs in with a token that may read: a new session, its cookie, and on to the page asked for.
    func login(_ request: Request) async throws -> Response {
        let tokens = book.current.policy.tokens
        guard !tokens.isEmpty else { return ConsolePage.redirect(to: "/ui") }
        try ConsoleMiddleware.requireSameOrigin(request)
        let form = try await ConsoleMiddleware.readForm(request)
        let next = Self.safeNext(form["next"])
        let expected = ConsoleSessions.cookie(ConsoleSessions.loginCookieName, in: request.headers[.cookie]) ?? ""
        guard let presented = form["login_csrf"], !expected.isEmpty,
              TokenCheck.constantTimeEqual(Array(presented.utf8), Array(expected.utf8)) else {
            return loginPage(next: next, message: "This sign-in form is stale or did not come from this console. Try again.", status: .forbidden)
        }
        guard let token = TokenCheck.identify((form["token"] ?? "").trimmingWhitespace, among: tokens) else {
            metrics.authFailed(.invalidToken)
            return loginPage(next: next, message: "That is not a token this alertgate knows.", status: .unauthorized)
        }
        guard token.allows(.read) else {
            metrics.authFailed(.insufficientScope)
            return loginPage(next: next, message: "The token \(token.name) cannot read incidents (it has no read scope).", status: .forbidden)
        }
        let session = sessions.open(tokenSHA256: token.sha256, now: clock.now())
        return ConsolePage.redirect(to: next, cookie: ConsoleSessions.cookie(session, secure: secureCookies))
    }

    func logout(_ console: ConsoleRequest) -> Response {
        sessions.close(console.session.id)
        return ConsolePage.redirect(to: book.current.policy.tokens.isEmpty ? "/ui" : "/ui/login",
                                    cookie: ConsoleSessions.endedCookie(secure: secureCookies))
    }

    /// Where to go after signing in: a console path, never another site (`//host`, `/\host`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next == "/ui" || next.hasPrefix("/ui/") || next.hasPrefix("/ui?"),
              !next.contains("\\"), !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/ui" }
        return next
    }

    // MARK: Incidents

    func list(_ request: Request, _ console: ConsoleRequest) async throws -> Response {
        let filter = try ConsoleViews.Filter(request.uri, now: clock.now(), catalog: book.current.policy.catalog)
        async let incidents = store.incidents(filter.query)
        async let bySeverity = store.openIncidentsBySeverity()
        let shown = filter.keep(try await incidents)
        let page = ConsoleViews.list(filter: filter, incidents: shown, openBySeverity: try await bySeverity, catalog: book.current.policy.catalog,
                                     now: clock.now(), console: console)
        return ConsolePage.html(page)
    }

    func incident(_ id: Int64, _ console: ConsoleRequest) async throws -> Response {
        guard let incident = try await store.incident(id: id) else { throw APIError(.notFound, code: "not_found", message: "Incident \(id) does not exist.") }
        async let alerts = store.alerts(incidentID: id)
        async let timeline = store.timeline(incidentID: id)
        async let signals = store.signals(incidentID: id, beforeID: nil, limit: ConsoleViews.signalsShown)
        async let notifications = store.notifications(incidentID: id)
        let suspects = try await SuspectChanges.load(for: incident, policy: book.current.policy, store: store)
        let page = ConsoleViews.incident(incident, alerts: try await alerts, timeline: try await timeline, signals: try await signals,
                                         suspects: suspects, notifications: try await notifications, now: clock.now(), console: console)
        return ConsolePage.html(page)
    }

    /// An action's form: a command through the pipeline, then back to the incident's page.
    func act(_ action: ConsoleViews.Action, _ id: Int64, _ console: ConsoleRequest) async throws -> Response {
        let by = console.identity?.name ?? console.field("by")
        // A failure is answered by `ConsoleMiddleware` (through `APIError.from`).
        guard let command = action.command else {
            var edit = IncidentEdit(incidentID: id, owner: console.changed("owner"), title: nil, by: by)
            if let text = console.changed("severity") {
                guard let severity = IncidentSeverity(rawValue: text.uppercased()) else {
                    throw APIError(.badRequest, code: "invalid_parameter", message: "The severity must be one of SEV1, SEV2, SEV3, SEV4.")
                }
                edit.severity = severity
            }
            if let text = console.changed("type") {
                guard let type = IncidentType(rawValue: text) else {
                    throw APIError(.badRequest, code: "invalid_parameter", message: "That is not an incident type.")
                }
                edit.type = type
            }
            _ = try await pipeline.perform(edit)
            return ConsolePage.redirect(to: "/ui/incidents/\(id)")
        }
        let note = console.field("text")
        if action.needsText, note == nil {
            throw APIError(.badRequest, code: "missing_text", message: "Write the \(action == .update ? "update" : "note") first.")
        }
        if let note, note.utf8.count > 64 * 1024 {
            throw APIError(.badRequest, code: "too_long", message: "A note may hold at most 64 KiB.")
        }
        _ = try await pipeline.perform(IncidentCommand(incidentID: id, action: command, by: by, note: note, isPublic: action == .update))
        return ConsolePage.redirect(to: "/ui/incidents/\(id)")
    }

    /// An alert with its labels and its history: each stored signal and each run of folded repeats.
    func alert(_ id: Int64, _ console: ConsoleRequest) async throws -> Response {
        guard let alert = try await store.alert(id: id) else { throw APIError(.notFound, code: "not_found", message: "Alert \(id) does not exist.") }
        async let signals = store.signals(alertID: id, incidentID: alert.incidentID, limit: ConsoleViews.historyShown)
        async let runs = store.repeatRuns(alertID: id, limit: ConsoleViews.historyShown)
        let history = AlertHistory(signals: try await signals, runs: try await runs, limit: ConsoleViews.historyShown)
        return ConsolePage.html(ConsoleViews.alert(alert, history: history, console: console))
    }

    /// A signal's raw payload, decompressed, JSON pretty-printed.
    func raw(_ id: Int64, _ console: ConsoleRequest) async throws -> Response {
        guard let signal = try await store.signal(id: id), let payload = try await store.payload(id: signal.payloadID) else {
            throw APIError(.notFound, code: "not_found", message: "Signal \(id) or its payload does not exist (retention may have deleted it).")
        }
        return ConsolePage.html(ConsoleViews.raw(signal: signal, payload: payload, console: console))
    }

    // MARK: Silences, services, stats

    func silencesPage(_ request: Request, _ console: ConsoleRequest) async throws -> Response {
        var draft: [LabelMatcher] = []
        if let alertID = request.uri.queryParameters.get("alert", as: Int64.self), let alert = try await store.alert(id: alertID) {
            draft = alert.labels.sorted { $0.key < $1.key }.compactMap { try? LabelMatcher(name: $0.key, op: .equal, value: $0.value) }
        }
        return ConsolePage.html(ConsoleViews.silences(silences.list(), draft: draft, now: clock.now(), console: console))
    }

    func createSilence(_ console: ConsoleRequest) async throws -> Response {
        var matchers: [LabelMatcher] = []
        for line in (console.form["matchers"] ?? "").split(whereSeparator: \.isNewline) {
            let text = String(line).trimmingWhitespace
            guard !text.isEmpty else { continue }
            do {
                matchers.append(try LabelMatcher(parsing: text))
            } catch {
                throw APIError(.badRequest, code: "invalid_silence", message: "Matcher \(text): \(error.message)")
            }
        }
        guard !matchers.isEmpty else { throw APIError(.badRequest, code: "invalid_silence", message: "A silence needs at least one matcher.") }
        guard let length = DurationText.parse(console.field("duration") ?? "2h"), length > .zero else {
            throw APIError(.badRequest, code: "invalid_silence", message: "The duration must be such as 30m, 2h or 1d.")
        }
        let draft = SilenceService.Draft(matchers: matchers, endsAt: clock.now() + length,
                                         createdBy: console.identity?.name ?? console.field("created_by") ?? "console",
                                         comment: console.field("comment") ?? "")
        _ = try await silences.create(draft)
        return ConsolePage.redirect(to: "/ui/silences")
    }

    func services(_ console: ConsoleRequest) async throws -> Response {
        var query = IncidentQuery()
        query.since = clock.now() - .seconds(30 * 86400)
        query.limit = 2000
        let incidents = try await store.incidents(query)
        let components = Dictionary(try await componentStates.list().map { ($0.service, $0) }) { $1 }
        return ConsolePage.html(ConsoleViews.services(book.current.policy.catalog, incidents: incidents, components: components, console: console))
    }

    func stats(_ request: Request, _ console: ConsoleRequest) async throws -> Response {
        let days = Int(request.uri.queryParameters.get("days") ?? "") ?? 30
        guard (1...365).contains(days) else { throw APIError(.badRequest, code: "invalid_parameter", message: "`days` must be between 1 and 365.") }
        let until = clock.now()
        var query = IncidentQuery()
        query.since = until - .seconds(Int64(days) * 86400)
        query.until = until
        query.limit = 100_000
        let incidents = try await store.incidents(query)
        let stats = IncidentStats(since: query.since!, until: until, incidents: incidents, noisiestAlerts: [], flappingAlerts: [])
        return ConsolePage.html(ConsoleViews.stats(stats, incidents: incidents, days: days, console: console))
    }
}
