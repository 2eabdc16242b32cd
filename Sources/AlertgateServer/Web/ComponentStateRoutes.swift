import AlertgateCore
import Foundation
import Hummingbird

/// The status page's components as engineers steer them: `GET /api/v1/status/components` lists
/// each public component with the state the page shows and the state set by hand, if any;
/// `PUT /api/v1/status/components/{service}` sets one (`{"state": "major_outage"}`), which wins
/// over what open incidents give until `DELETE` clears it. The console's services page posts
/// the same through `set`.
struct ComponentStateRoutes: Sendable {
    let status: StatusRoutes
    let store: any ComponentStateStore
    let bodyReader: RequestBodyReader
    let clock: any WallClock

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/status/components") { _, _ in JSONOutput.response(["components": try await list()]) }
        router.put("/api/v1/status/components/:service") { request, context in
            let service = try publicService(context)
            let body = try await StateBody.read(request, bodyReader)
            guard let state = StatusSummary.ComponentState(rawValue: body.state) else { throw Self.invalidState(body.state) }
            try await set(service, state, by: context.actor(claimed: body.by))
            return JSONOutput.response(try await view(service))
        }
        router.delete("/api/v1/status/components/:service") { _, context in
            let service = try publicService(context)
            _ = try await store.clearComponentState(service: service)
            return JSONOutput.response(try await view(service))
        }
    }

    static func invalidState(_ text: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message: "`state` must be one of \(StatusSummary.ComponentState.allCases.map(\.rawValue).joined(separator: ", ")), got \(text.prefix(64))",
                 field: "state")
    }

    func publicService(_ context: GatewayRequestContext) throws -> String {
        // A name as a path carries it, percent-encoded (the console's form encodes it so).
        let raw = context.parameters.get("service") ?? ""
        let name = raw.removingPercentEncoding ?? raw
        guard status.book.current.policy.catalog.services.contains(where: { $0.name == name && $0.publicName != nil }) else {
            throw APIError.notFound("public component \(name)")
        }
        return name
    }

    func set(_ service: String, _ state: StatusSummary.ComponentState, by: String?) async throws {
        try await store.setComponentState(ComponentStateOverride(service: service, state: state.rawValue, setBy: by, setAt: clock.now()))
    }

    /// Every public component: its page, the state its page shows, and what was set by hand.
    func list() async throws -> [ComponentStateView] {
        let services = status.book.current.policy.catalog.services.filter { $0.publicName != nil }
        let overrides = Dictionary(try await store.componentStates().map { ($0.service, $0) }) { $1 }
        var shown: [String: StatusSummary.ComponentState] = [:]
        for page in Set(services.map(\.publicPage)) {
            for component in try await status.summary(page: page).summary.components where component.members == nil {
                shown[component.id] = component.status
            }
        }
        return services.map { service in
            ComponentStateView(service: service.name, name: service.publicName ?? service.name, page: service.publicPage,
                               state: shown[service.name] ?? .operational, set: overrides[service.name])
        }
    }

    func view(_ service: String) async throws -> ComponentStateView {
        guard let found = try await list().first(where: { $0.service == service }) else { throw APIError.notFound("public component \(service)") }
        return found
    }

    /// The body of a PUT: the state, and who set it (with tokens, the token's name instead).
    struct StateBody: Decodable {
        var state: String
        var by: String?

        static func read(_ request: Request, _ reader: RequestBodyReader) async throws -> StateBody {
            let bytes = try await reader.read(request)
            do {
                let body = try JSONDecoder().decode(StateBody.self, from: Data(bytes))
                if let by = body.by, by.utf8.count > 256 { throw APIError(.badRequest, code: "too_long", message: "`by` is longer than 256 bytes", field: "by") }
                return body
            } catch let error as APIError {
                throw error
            } catch {
                throw APIError(.badRequest, code: "invalid_json", message: "the body must be a JSON object with `state` (a string) and optional `by`")
            }
        }
    }
}

struct ComponentStateView: Encodable {
    var service: String
    var name: String
    var page: String?
    var state: StatusSummary.ComponentState
    var set: ComponentStateOverride?

    enum CodingKeys: String, CodingKey { case service, name, page, state, set }
    enum SetKeys: String, CodingKey { case state, by, at }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(service, forKey: .service)
        try c.encode(name, forKey: .name)
        try c.encode(page, forKey: .page)
        try c.encode(state, forKey: .state)
        if let set {
            var nested = c.nestedContainer(keyedBy: SetKeys.self, forKey: .set)
            try nested.encode(set.state, forKey: .state)
            try nested.encode(set.setBy, forKey: .by)
            try nested.encode(set.setAt.rfc3339, forKey: .at)
        } else {
            try c.encodeNil(forKey: .set)
        }
    }
}
