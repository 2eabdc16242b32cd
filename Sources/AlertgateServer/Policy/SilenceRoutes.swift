import AlertgateCodecs
import AlertgateCore
import Foundation
import Hummingbird

/// `GET/POST /api/v1/silences`, `GET/DELETE /api/v1/silences/{id}` (and `DELETE
/// /api/v1/silences?id=`): silences and one-off maintenance, in alertgate's own shape
/// (snake_case, matchers as Alertmanager text), with the config's recurring windows.
struct SilenceRoutes: Sendable {
    let silences: SilenceService
    let bodyReader: RequestBodyReader

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/silences") { request, _ in
            let parameters = QueryParameters(request.uri)
            let states = try parameters.list("state", Silence.State.init(rawValue:))
            let listed = silences.list(states: states.isEmpty ? nil : Set(states))
            let now = silences.clock.now()
            return JSONOutput.response(SilenceList(silences: listed.map { SilenceView($0, now: now) },
                                                   maintenance: silences.book.current.policy.maintenance.map { MaintenanceView(window: $0, now: now) }))
        }
        router.post("/api/v1/silences") { request, context in
            var draft = try SilenceBody.draft(try await bodyReader.read(request), now: silences.clock.now())
            // With tokens, who made it is the token's name, not what the body claims.
            if let name = context.identity?.name { draft.createdBy = name }
            let stored = try await silences.create(draft)
            return JSONOutput.response(SilenceView(stored, now: silences.clock.now()), status: .created)
        }
        router.get("/api/v1/silences/:id") { _, context in
            let id = try silenceID(context)
            guard let silence = silences.book.silence(id: id) else { throw APIError.notFound("silence \(id)") }
            return JSONOutput.response(SilenceView(silence, now: silences.clock.now()))
        }
        router.delete("/api/v1/silences/:id") { _, context in
            let expired = try await silences.expire(id: try silenceID(context))
            return JSONOutput.response(SilenceView(expired, now: silences.clock.now()))
        }
        // API.md's `DELETE /api/v1/silences`, with the id as a parameter.
        router.delete("/api/v1/silences") { request, _ in
            guard let id = try QueryParameters(request.uri).integer("id") else {
                throw APIError.invalidParameter("id", "name the silence to expire: DELETE /api/v1/silences/{id} or ?id=")
            }
            let expired = try await silences.expire(id: id)
            return JSONOutput.response(SilenceView(expired, now: silences.clock.now()))
        }
    }

    func silenceID(_ context: GatewayRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.invalidParameter("id", "must be an integer silence id") }
        return id
    }
}

/// `GET /api/v1/silences`: the silences, and the recurring maintenance windows of the config.
struct SilenceList: Encodable {
    var silences: [SilenceView]
    var maintenance: [MaintenanceView]
}

/// A maintenance window: its schedule and whether it is open now.
struct MaintenanceView: Encodable {
    let window: MaintenanceWindow
    let now: Timestamp

    enum CodingKeys: String, CodingKey { case name, matchers, schedule, comment, open }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(window.name, forKey: .name)
        try c.encode(window.matchers.map(\.description), forKey: .matchers)
        try c.encode(window.schedule, forKey: .schedule)
        try c.encode(window.comment, forKey: .comment)
        try c.encode(window.isOpen(at: now), forKey: .open)
    }
}

/// A silence as `/api/v1/silences` shows it.
struct SilenceView: Encodable {
    let silence: Silence
    let now: Timestamp

    init(_ silence: Silence, now: Timestamp) {
        self.silence = silence
        self.now = now
    }

    enum CodingKeys: String, CodingKey {
        case id, matchers, comment, state, origin
        case startsAt = "starts_at", endsAt = "ends_at", createdBy = "created_by", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(silence.id, forKey: .id)
        try c.encode(silence.matchers.map(\.description), forKey: .matchers)
        try c.encode(silence.startsAt.rfc3339, forKey: .startsAt)
        try c.encode(silence.endsAt.rfc3339, forKey: .endsAt)
        try c.encode(silence.createdBy, forKey: .createdBy)
        try c.encode(silence.comment, forKey: .comment)
        try c.encode(silence.updatedAt.rfc3339, forKey: .updatedAt)
        try c.encode(silence.state(at: now).rawValue, forKey: .state)
        try c.encode(silence.configKey == nil ? "api" : "config", forKey: .origin)
    }
}

/// Reads a silence from a JSON body, in either API's spelling: `matchers` as Alertmanager
/// text (`"service=checkout"`) or objects (`{"name", "value", "isRegex", "isEqual"}`);
/// `starts_at`/`startsAt`, `ends_at`/`endsAt` or `duration` (`2h`), `created_by`/`createdBy`,
/// `comment`, and `id` to change a silence.
enum SilenceBody {
    static func draft(_ bytes: [UInt8], now: Timestamp, alertmanagerStyle: Bool = false) throws -> SilenceService.Draft {
        func fail(_ field: String, _ message: String) -> APIError {
            var error = APIError(.badRequest, code: "invalid_silence", message: "`\(field)` \(message)", field: field)
            error.alertmanagerStyle = alertmanagerStyle
            return error
        }
        // The codecs' JSON reader: it tells a boolean from a number, which `isRegex` needs.
        guard case .object(let object)? = try? JSONValue.parse(bytes) else {
            throw fail("(body)", alertmanagerStyle ? "must be a JSON object with matchers, endsAt, createdBy and comment"
                                                   : "must be a JSON object with matchers, ends_at (or duration), created_by and comment")
        }
        func text(_ names: String...) throws -> String? {
            for name in names {
                guard let value = object[name], value != .null else { continue }
                guard case .string(let text) = value else { throw fail(name, "must be a string") }
                guard text.utf8.count <= 4096 else { throw fail(name, "is longer than 4096 bytes") }
                return text
            }
            return nil
        }
        func time(_ names: String...) throws -> Timestamp? {
            for name in names {
                guard let value = object[name], value != .null else { continue }
                guard case .string(let text) = value, let time = RFC3339.parse(text) else { throw fail(name, "must be an RFC 3339 time") }
                return time
            }
            return nil
        }
        func flag(_ item: [String: JSONValue], _ name: String, field: String, absent: Bool) throws -> Bool {
            switch item[name] {
            case nil, .null?: return absent
            case .bool(let value)?: return value
            default: throw fail("\(field).\(name)", "must be true or false")
            }
        }

        guard case .array(let rawMatchers)? = object["matchers"], !rawMatchers.isEmpty else { throw fail("matchers", "must be a non-empty list") }
        guard rawMatchers.count <= 64 else { throw fail("matchers", "may hold at most 64 matchers") }
        var matchers: [LabelMatcher] = []
        for (index, raw) in rawMatchers.enumerated() {
            let field = "matchers[\(index)]"
            do {
                if case .string(let text) = raw {
                    matchers.append(try LabelMatcher(parsing: text))
                } else if case .object(let item) = raw, case .string(let name)? = item["name"], case .string(let value)? = item["value"] {
                    let isRegex = try flag(item, "isRegex", field: field, absent: false)
                    let isEqual = try flag(item, "isEqual", field: field, absent: true)
                    let op: LabelMatcher.Operator = isRegex ? (isEqual ? .regex : .notRegex) : (isEqual ? .equal : .notEqual)
                    matchers.append(try LabelMatcher(name: name, op: op, value: value))
                } else {
                    throw fail(field, "must be a matcher such as \"service=checkout\" or {\"name\", \"value\", \"isRegex\"}")
                }
            } catch let error as MatcherError {
                throw fail(field, error.message)
            }
        }
        let startsAt = try time("startsAt", "starts_at")
        var endsAt = try time("endsAt", "ends_at")
        if endsAt == nil, let duration = try text("duration") {
            guard let length = DurationText.parse(duration), length > .zero else { throw fail("duration", "must be a duration such as 2h") }
            endsAt = (startsAt ?? now) + length
        }
        guard let endsAt else { throw alertmanagerStyle ? fail("endsAt", "is required") : fail("ends_at", "is required (or `duration`)") }
        var id: Int64?
        switch object["id"] {
        case nil, .null?: break
        case .string(let text)?:
            guard let number = Int64(text) else { throw fail("id", "must be the id of a silence") }
            id = number
        case .number(let number)? where number.rounded() == number && abs(number) < 1e15:
            id = Int64(number)
        default: throw fail("id", "must be the id of a silence")
        }
        return SilenceService.Draft(id: id, matchers: matchers, startsAt: startsAt, endsAt: endsAt,
                                    createdBy: try text("createdBy", "created_by") ?? "unknown", comment: try text("comment") ?? "")
    }
}
