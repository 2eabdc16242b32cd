import AlertgateCore
import Foundation
import Hummingbird

/// Alertmanager's API v2 as far as `amtool` needs it: silences (`GET/POST /api/v2/silences`,
/// `GET/DELETE /api/v2/silence/{id}`), the firing alerts (`GET /api/v2/alerts`) and
/// `GET /api/v2/status`. Shapes, status codes and error bodies (a JSON string) are
/// Alertmanager 0.25's, which amtool checks; silence ids are alertgate's integers as text.
struct AlertmanagerQueryRoutes: Sendable {
    let silences: SilenceService
    let store: any StoreReader
    let bodyReader: RequestBodyReader
    let resolveTimeout: Duration
    let startedAt: Timestamp
    /// The config file in force, secrets redacted (`Reloader.redactedConfig`).
    var shownConfig: @Sendable () -> String = { "" }

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v2/silences") { request, _ in
            let filter = try Self.filter(request)
            let now = silences.clock.now()
            let listed = silences.list().filter { silence in
                // As Alertmanager: each filter matcher must match the labels the silence's
                // equality matchers name.
                let labels = Dictionary(silence.matchers.filter { $0.op == .equal }.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                return filter.allSatisfy { $0.matches(labels) }
            }
            // Active first, then pending, then expired, as Alertmanager lists them.
            let order: [Silence.State: Int] = [.active: 0, .pending: 1, .expired: 2]
            let sorted = listed.sorted { (order[$0.state(at: now)]!, -$0.id) < (order[$1.state(at: now)]!, -$1.id) }
            return JSONOutput.response(sorted.map { GettableSilence($0, now: now) })
        }
        router.post("/api/v2/silences") { request, context in
            var draft = try SilenceBody.draft(try await bodyReader.read(request), now: silences.clock.now(), alertmanagerStyle: true)
            if let name = context.identity?.name { draft.createdBy = name }
            do {
                let stored = try await silences.create(draft)
                return JSONOutput.response(["silenceID": String(stored.id)])
            } catch var error as APIError {
                error.alertmanagerStyle = true
                if error.status == .notFound { error.message = "silence not found" }
                throw error
            }
        }
        router.get("/api/v2/silence/:id") { _, context in
            guard let silence = try silenceID(context).flatMap(silences.book.silence(id:)) else { throw Self.notFound() }
            return JSONOutput.response(GettableSilence(silence, now: silences.clock.now()))
        }
        router.delete("/api/v2/silence/:id") { _, context in
            // 404, as Alertmanager's API declares from 0.26 on (0.25 answered 500); amtool
            // reports it and exits non-zero either way.
            guard let id = try silenceID(context), silences.book.silence(id: id) != nil else { throw Self.notFound() }
            _ = try await silences.expire(id: id)
            return Response(status: .ok)
        }
        router.get("/api/v2/alerts") { request, _ in try await alerts(request) }
        router.get("/api/v2/status") { _, _ in
            var status = AlertmanagerStatusView(uptime: startedAt.rfc3339)
            status.config.original = shownConfig()
            return JSONOutput.response(status)
        }
    }

    func silenceID(_ context: GatewayRequestContext) throws -> Int64? {
        context.parameters.get("id").flatMap { Int64($0) }
    }

    static func notFound(status: HTTPResponse.Status = .notFound) -> APIError {
        var error = APIError(status, code: "not_found", message: "silence not found")
        error.alertmanagerStyle = true
        return error
    }

    /// The repeated `filter` parameters (decoded as a form by `QueryParameters`), as matchers.
    static func filter(_ request: Request) throws -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        for text in QueryParameters(request.uri).all("filter") {
            do {
                matchers += try LabelMatcher.parseList(text)
            } catch {
                var failure = APIError(.badRequest, code: "invalid_filter", message: "bad matcher format: \(text): \(error.message)", field: "filter")
                failure.alertmanagerStyle = true
                throw failure
            }
        }
        return matchers
    }

    func alerts(_ request: Request) async throws -> Response {
        let parameters = QueryParameters(request.uri)
        func flag(_ name: String) -> Bool { parameters.text(name).map { $0 != "false" } ?? true }
        let filter = try Self.filter(request)
        let inForce = silences.list(states: [.active])
        var answer: [GettableAlert] = []
        for alert in try await store.firingAlerts(limit: 10_000) {
            let labels = GettableAlert.labels(of: alert)
            guard filter.allSatisfy({ $0.matches(labels) }) else { continue }
            let silencedBy = inForce.filter { silence in silence.matchers.allSatisfy { $0.matches(labels) } }.map { String($0.id) }
            if silencedBy.isEmpty ? !flag("active") : !flag("silenced") { continue }
            answer.append(GettableAlert(alert: alert, labels: labels, silencedBy: silencedBy, endsAt: alert.endsAt ?? alert.lastSeen + resolveTimeout))
        }
        return JSONOutput.response(answer)
    }
}

/// A silence in Alertmanager's `gettableSilence` shape.
struct GettableSilence: Encodable {
    struct Matcher: Encodable {
        var name: String
        var value: String
        var isRegex: Bool
        var isEqual: Bool
    }

    struct Status: Encodable { var state: String }

    var id: String
    var status: Status
    var updatedAt: String
    var comment: String
    var createdBy: String
    var startsAt: String
    var endsAt: String
    var matchers: [Matcher]

    init(_ silence: Silence, now: Timestamp) {
        id = String(silence.id)
        status = Status(state: silence.state(at: now).rawValue)
        updatedAt = silence.updatedAt.rfc3339
        comment = silence.comment
        createdBy = silence.createdBy
        startsAt = silence.startsAt.rfc3339
        endsAt = silence.endsAt.rfc3339
        matchers = silence.matchers.map { Matcher(name: $0.name, value: $0.value, isRegex: $0.op.isRegex, isEqual: $0.op.isEqual) }
    }
}

/// A firing alert in Alertmanager's `gettableAlert` shape.
struct GettableAlert: Encodable {
    struct Receiver: Encodable { var name: String }
    struct Status: Encodable {
        var state: String
        var silencedBy: [String]
        var inhibitedBy: [String]
    }

    var labels: [String: String]
    var annotations: [String: String]
    var startsAt: String
    var endsAt: String
    var updatedAt: String
    var fingerprint: String
    var receivers: [Receiver]
    var status: Status

    init(alert: AlertState, labels: [String: String], silencedBy: [String], endsAt: Timestamp) {
        self.labels = labels
        annotations = ["summary": alert.title]
        startsAt = alert.firstSeen.rfc3339
        self.endsAt = endsAt.rfc3339
        updatedAt = alert.lastSeen.rfc3339
        fingerprint = alert.fingerprint.value
        receivers = [Receiver(name: "alertgate")]
        status = Status(state: silencedBy.isEmpty ? "active" : "suppressed", silencedBy: silencedBy, inhibitedBy: [])
    }

    /// Its labels, with `alertname` (its title) and `service` when the sender gave none.
    static func labels(of alert: AlertState) -> [String: String] {
        var labels = alert.labels
        if labels["alertname"] == nil { labels["alertname"] = alert.title }
        if labels["service"] == nil, !alert.service.isEmpty { labels["service"] = alert.service }
        return labels
    }
}

/// `GET /api/v2/status`: the fields amtool reads. The version is the Alertmanager API version
/// alertgate answers as.
struct AlertmanagerStatusView: Encodable {
    struct Cluster: Encodable {
        var peers: [String] = []
        var status = "disabled"
    }

    struct Config: Encodable { var original = "" }

    struct VersionInfo: Encodable {
        var version = "0.25.0"
        var branch = "alertgate"
        var revision = "alertgate"
        var buildUser = "alertgate"
        var buildDate = ""
        var goVersion = ""
    }

    var cluster = Cluster()
    var config = Config()
    var uptime: String
    var versionInfo = VersionInfo()
}
