import AlertgateCore
import Foundation
import Hummingbird

/// Reading incidents and acting on them. Reads go to the store's readers; every action is a
/// command through the pipeline, so the timeline keeps one order.
struct IncidentRoutes: Sendable {
    let store: any StoreReader
    let pipeline: IngestPipeline
    let policy: PolicyBook
    let bodyReader: RequestBodyReader
    let clock: any WallClock

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/incidents") { request, _ in try await list(request) }
        router.get("/api/v1/incidents/:id") { _, context in try await detail(try incidentID(context)) }
        router.get("/api/v1/incidents/:id/signals") { request, context in try await signals(request, try incidentID(context)) }
        router.get("/api/v1/incidents/:id/review") { _, context in try await review(try incidentID(context)) }
        router.patch("/api/v1/incidents/:id") { request, context in try await edit(request, try incidentID(context), context) }
        for (path, action) in [("acknowledge", IncidentCommand.Action.acknowledge), ("resolve", .resolve), ("close", .close), ("reopen", .reopen),
                               ("notes", .note), ("updates", .update)] {
            router.post("/api/v1/incidents/:id/\(path)") { request, context in
                try await act(request, try incidentID(context), action, context)
            }
        }
    }

    func incidentID(_ context: GatewayRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError.invalidParameter("id", "must be an integer incident id")
        }
        return id
    }

    func list(_ request: Request) async throws -> Response {
        let parameters = QueryParameters(request.uri)
        var query = IncidentQuery()
        query.statuses = try parameters.list("status", IncidentStatus.init(rawValue:))
        query.severities = try parameters.list("severity") { IncidentSeverity(rawValue: $0.uppercased()) }
        query.types = try parameters.list("type", IncidentType.init(rawValue:))
        query.service = parameters.text("service")
        query.text = parameters.text("q")
        query.since = try parameters.time("since")
        query.until = try parameters.time("until")
        query.beforeID = try parameters.integer("cursor")
        let limit = try parameters.integer("limit").map(Int.init) ?? 50
        guard (1...500).contains(limit) else { throw APIError.invalidParameter("limit", "must be between 1 and 500") }
        query.limit = limit + 1
        var incidents = try await store.incidents(query)
        var nextCursor: String?
        if incidents.count > limit {
            incidents.removeLast(incidents.count - limit)
            nextCursor = incidents.last.map { String($0.id) }
        }
        return JSONOutput.response(IncidentList(incidents: incidents.map(IncidentView.init), nextCursor: nextCursor))
    }

    func detail(_ id: Int64) async throws -> Response {
        guard let incident = try await store.incident(id: id) else { throw APIError.notFound("incident \(id)") }
        async let alerts = store.alerts(incidentID: id)
        async let timeline = store.timeline(incidentID: id)
        async let suspects = suspects(of: incident)
        let view = IncidentDetailView(incident: incident, alerts: try await alerts, timeline: try await timeline, suspectChanges: try await suspects)
        return JSONOutput.response(view)
    }

    /// The incident's suspect changes, ranked (`SuspectChanges`), under the rules in force.
    func suspects(of incident: IncidentState) async throws -> [SuspectChanges.Suspect] {
        try await SuspectChanges.load(for: incident, policy: policy.current.policy, store: store)
    }

    /// The review draft, in Markdown (`ReviewDraft`).
    func review(_ id: Int64) async throws -> Response {
        guard let incident = try await store.incident(id: id) else { throw APIError.notFound("incident \(id)") }
        async let alerts = store.alerts(incidentID: id)
        async let timeline = store.timeline(incidentID: id)
        async let suspects = suspects(of: incident)
        async let first = store.firstSignals(incidentID: id, kind: nil, limit: 1)
        async let reports = store.firstSignals(incidentID: id, kind: .report, limit: 5)
        let draft = ReviewDraft(incident: incident, alerts: try await alerts, timeline: try await timeline,
                                suspects: try await suspects, firstSignal: try await first.first,
                                reports: try await reports, now: clock.now())
        return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: draft.markdown)))
    }

    func signals(_ request: Request, _ id: Int64) async throws -> Response {
        guard try await store.incident(id: id) != nil else { throw APIError.notFound("incident \(id)") }
        let parameters = QueryParameters(request.uri)
        let limit = try parameters.integer("limit").map(Int.init) ?? 100
        guard (1...1000).contains(limit) else { throw APIError.invalidParameter("limit", "must be between 1 and 1000") }
        var signals = try await store.signals(incidentID: id, beforeID: try parameters.integer("cursor"), limit: limit + 1)
        var nextCursor: String?
        if signals.count > limit {
            signals.removeLast(signals.count - limit)
            nextCursor = signals.last.map { String($0.id) }
        }
        return JSONOutput.response(SignalList(signals: signals.map { SignalView(stored: $0) }, nextCursor: nextCursor))
    }

    /// With tokens, `by` is the token's name; without, what the body says.
    func act(_ request: Request, _ id: Int64, _ action: IncidentCommand.Action, _ context: GatewayRequestContext) async throws -> Response {
        let body = try await ActionBody.read(request, bodyReader)
        let note = action == .note || action == .update ? (body.note ?? body.text ?? body.status) : body.note
        do {
            _ = try await pipeline.perform(IncidentCommand(incidentID: id, action: action, by: context.actor(claimed: body.by), note: note,
                                                           isPublic: body.public ?? false))
        } catch {
            throw APIError.from(error)
        }
        return try await detail(id)
    }

    func edit(_ request: Request, _ id: Int64, _ context: GatewayRequestContext) async throws -> Response {
        let body = try await ActionBody.read(request, bodyReader)
        var edit = IncidentEdit(incidentID: id, owner: body.owner, title: body.title, by: context.actor(claimed: body.by))
        if let text = body.severity {
            guard let severity = IncidentSeverity(rawValue: text.uppercased()) else {
                throw APIError.invalidParameter("severity", "must be one of SEV1, SEV2, SEV3, SEV4")
            }
            edit.severity = severity
        }
        if let text = body.type {
            guard let type = IncidentType(rawValue: text) else {
                throw APIError.invalidParameter("type", "must be one of \(IncidentType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            edit.type = type
        }
        do {
            _ = try await pipeline.perform(edit)
        } catch {
            throw APIError.from(error)
        }
        return try await detail(id)
    }
}

struct IncidentList: Encodable {
    var incidents: [IncidentView]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey { case incidents, nextCursor = "next_cursor" }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(incidents, forKey: .incidents)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

struct SignalList: Encodable {
    var signals: [SignalView]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey { case signals, nextCursor = "next_cursor" }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(signals, forKey: .signals)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

/// The optional JSON body of an action or edit: `by`, `note`, and the editable fields.
struct ActionBody: Decodable {
    var by: String?
    var note: String?
    var text: String?
    var severity: String?
    var type: String?
    var owner: String?
    var title: String?
    /// For updates: the status text (also `text` or `note`) and whether users may read it.
    var status: String?
    var `public`: Bool?

    /// Each text field with its longest length in bytes.
    var limitedFields: [(String?, String, Int)] {
        [(by, "by", 256), (note, "note", 64 * 1024), (text, "text", 64 * 1024), (owner, "owner", 256), (title, "title", 1024), (status, "status", 64 * 1024)]
    }

    static func read(_ request: Request, _ reader: RequestBodyReader) async throws -> ActionBody {
        let bytes = try await reader.read(request)
        guard !bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) else { return ActionBody() }
        do {
            let body = try JSONDecoder().decode(ActionBody.self, from: Data(bytes))
            for (value, name, limit) in body.limitedFields where (value?.utf8.count ?? 0) > limit {
                throw APIError(.badRequest, code: "too_long", message: "`\(name)` is longer than \(limit) bytes", field: name)
            }
            return body
        } catch let error as APIError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError(.badRequest, code: "wrong_type", message: "`\(field)` must be \(field == "public" ? "true or false" : "a string")", field: field)
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "the body must be a JSON object with optional by, note, severity, type, owner, title")
        }
    }
}
