import AlertgateCore
import Hummingbird

/// `GET /api/v1/services` (the catalog, each service with its open incidents) and
/// `POST /api/v1/admin/reload`.
struct PolicyRoutes: Sendable {
    let book: PolicyBook
    let store: any StoreReader
    let reloader: Reloader

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/services") { _, _ in try await services() }
        router.post("/api/v1/admin/reload") { _, _ in
            switch await reloader.reload(trigger: "api") {
            case .reloaded(let version):
                return JSONOutput.response(ReloadView(reloaded: true, version: version))
            case .refused(let error):
                throw APIError(.badRequest, code: "invalid_config", message: "the config was not reloaded and the rules in force stay: \(error)", field: error.key)
            case .noConfigFile:
                throw APIError(.conflict, code: "no_config_file", message: "alertgate was started without --config; there is nothing to reload")
            }
        }
    }

    func services() async throws -> Response {
        let catalog = book.current.policy.catalog
        var query = IncidentQuery()
        query.statuses = [.open, .acknowledged]
        query.limit = 1000
        let open = try await store.incidents(query)
        var views = catalog.services.map { service in
            ServiceView(service: service, incidents: open.filter { $0.service == service.name || $0.services.contains(service.name) })
        }
        // Services with open incidents that the catalog does not know, so nothing open hides.
        let known = Set(catalog.services.map(\.name))
        let unknown = Set(open.map(\.service)).subtracting(known).sorted()
        views += unknown.map { name in
            ServiceView(service: ServiceCatalog.Service(name: name, team: catalog.defaultTeam), incidents: open.filter { $0.service == name }, inCatalog: false)
        }
        return JSONOutput.response(ServiceList(defaultTeam: catalog.defaultTeam, services: views))
    }
}

struct ServiceList: Encodable {
    var defaultTeam: String?
    var services: [ServiceView]

    enum CodingKeys: String, CodingKey { case defaultTeam = "default_team", services }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(defaultTeam, forKey: .defaultTeam)
        try c.encode(services, forKey: .services)
    }
}

/// A catalog service with its open incidents.
struct ServiceView: Encodable {
    var service: ServiceCatalog.Service
    var incidents: [IncidentState]
    var inCatalog = true

    enum CodingKeys: String, CodingKey {
        case name, team, tier, oncall, runbook, aliases, `public`
        case dependsOn = "depends_on", inCatalog = "in_catalog", openIncidents = "open_incidents"
    }

    struct Public: Encodable {
        var name: String
        var group: String?
        var page: String?

        enum CodingKeys: String, CodingKey { case name, group, page }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(group, forKey: .group)
            try c.encode(page, forKey: .page)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(service.name, forKey: .name)
        try c.encode(service.team, forKey: .team)
        try c.encode(service.tier, forKey: .tier)
        try c.encode(service.oncall, forKey: .oncall)
        try c.encode(service.runbook, forKey: .runbook)
        try c.encode(service.aliases, forKey: .aliases)
        try c.encode(service.dependsOn, forKey: .dependsOn)
        try c.encode(service.publicName.map { Public(name: $0, group: service.publicGroup, page: service.publicPage) }, forKey: .public)
        try c.encode(inCatalog, forKey: .inCatalog)
        try c.encode(incidents.map(IncidentView.init), forKey: .openIncidents)
    }
}

/// The answer to a reload: the policy version now in force.
struct ReloadView: Encodable {
    var reloaded: Bool
    var version: Int
}
