import AlertgateCore
import Foundation
import Hummingbird

/// Heartbeats over HTTP, as healthchecks.io's ping URLs work, so a cron line needs only curl:
///
/// - `GET`, `HEAD` or `POST /api/v1/heartbeats/{name}`: a good ping; `/fail` a failure (a
///   POST's body, the job's output, goes on the alert); `/start` a run that began.
/// - A name the config does not declare is made by its first ping, with `?every=` (or
///   `?cron=`), `?grace=` and `?service=` if given (a day and an hour otherwise); these change it
///   on later pings too.
/// - The token may be `?token=` (ingest scope), for clients that cannot send a header.
/// - `GET /api/v1/heartbeats`: every heartbeat with its schedule, last ping and state.
struct HeartbeatRoutes: Sendable {
    let heartbeats: HeartbeatService
    let bodyReader: RequestBodyReader
    let clock: any WallClock

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/heartbeats") { _, _ in
            let now = clock.now()
            return JSONOutput.response(["heartbeats": try await heartbeats.list().map { HeartbeatView($0, now: now) }])
        }
        for method in [HTTPRequest.Method.get, .head, .post] {
            router.on("/api/v1/heartbeats/:name", method: method) { request, context in try await ping(request, context, .success) }
            router.on("/api/v1/heartbeats/:name/fail", method: method) { request, context in try await ping(request, context, .fail) }
            router.on("/api/v1/heartbeats/:name/start", method: method) { request, context in try await ping(request, context, .start) }
        }
    }

    func ping(_ request: Request, _ context: GatewayRequestContext, _ kind: HeartbeatPingKind) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard HeartbeatSpec.isValidName(name) else {
            throw APIError(.badRequest, code: "invalid_parameter", message: "a heartbeat's name is 1 to 128 letters, digits, `.`, `_` or `-`", field: "name")
        }
        var ping = HeartbeatService.Ping(name: name, kind: kind)
        let query = QueryParameters(request.uri)
        // A setting given empty (`?grace=`) is a mistake in the URL, not the default.
        for (setting, limit) in [("every", 64), ("cron", 256), ("grace", 64), ("service", 256)] where query.values[setting] != nil {
            guard let value = query.text(setting) else { throw APIError.invalidParameter(setting, "must not be empty") }
            guard value.utf8.count <= limit else { throw APIError.invalidParameter(setting, "must be at most \(limit) bytes") }
        }
        if let every = query.text("every") {
            guard let period = DurationText.parse(every), period > .zero else { throw APIError.invalidParameter("every", "must be a duration such as 5m or 24h") }
            ping.schedule = .every(period)
        }
        if let cron = query.text("cron") {
            guard ping.schedule == nil else { throw APIError.invalidParameter("cron", "give `every` or `cron`, not both") }
            do throws(CronSchedule.ParseError) { ping.schedule = .cron(try CronSchedule(parsing: cron)) } catch {
                throw APIError.invalidParameter("cron", error.description)
            }
        }
        if let grace = query.text("grace") {
            guard let duration = DurationText.parse(grace) else { throw APIError.invalidParameter("grace", "must be a duration such as 10m") }
            ping.grace = duration
        }
        ping.service = query.text("service")
        if request.method == .post {
            let body = try await bodyReader.read(request)
            if !body.isEmpty { ping.detail = String(decoding: body.prefix(Self.maxDetailBytes), as: UTF8.self) }
        }
        let result: HeartbeatService.PingResult
        do {
            result = try await heartbeats.ping(ping)
        } catch {
            throw APIError.from(error)
        }
        var view = HeartbeatView(result.heartbeat, now: clock.now())
        view.incidentID = result.outcome?.incidentID
        view.alertID = result.outcome?.alertID
        return JSONOutput.response(view)
    }

    /// The most of a `fail` ping's body kept on its alert.
    static let maxDetailBytes = 10_240
}

/// A heartbeat as the API shows it.
struct HeartbeatView: Encodable {
    var name: String
    var service: String
    var every: String?
    var cron: String?
    var grace: String
    var declared: Bool
    var state: String
    /// `state`, or `late` past the expected time within the grace, `running` after a start.
    var status: String
    var createdAt: String
    var lastPingAt: String?
    var startedAt: String?
    var lastFailAt: String?
    var expectedAt: String?
    var deadline: String?
    var pings: Int
    /// The alert and incident a ping changed, on a ping's answer.
    var alertID: Int64?
    var incidentID: Int64?

    enum CodingKeys: String, CodingKey {
        case name, service, every, cron, grace, declared, state, status, pings, deadline
        case createdAt = "created_at", lastPingAt = "last_ping_at", startedAt = "started_at", lastFailAt = "last_fail_at", expectedAt = "expected_at"
        case alertID = "alert_id", incidentID = "incident_id"
    }

    init(_ heartbeat: Heartbeat, now: Timestamp) {
        name = heartbeat.spec.name
        service = heartbeat.spec.serviceName
        switch heartbeat.spec.schedule {
        case .every(let period): every = DurationText.format(period)
        case .cron(let expression): cron = expression.description
        }
        grace = DurationText.format(heartbeat.spec.grace)
        declared = heartbeat.spec.declared
        state = heartbeat.state.rawValue
        status = heartbeat.status(at: now)
        createdAt = heartbeat.createdAt.rfc3339
        lastPingAt = heartbeat.lastPingAt?.rfc3339
        startedAt = heartbeat.startedAt?.rfc3339
        lastFailAt = heartbeat.lastFailAt?.rfc3339
        expectedAt = heartbeat.expectedAt?.rfc3339
        deadline = heartbeat.deadline?.rfc3339
        pings = heartbeat.pings
    }
}
