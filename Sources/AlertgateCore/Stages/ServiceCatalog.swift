/// The services alertgate knows, with their team, tier and the other names signals use for
/// them. Empty by default: every signal keeps the service it came with.
public struct ServiceCatalog: Hashable, Sendable {
    public struct Service: Hashable, Sendable {
        /// The service key incidents use.
        public var name: String
        public var team: String?
        /// 1 (critical) … 3.
        public var tier: Int?
        /// Other names of the service in labels, hosts or report text.
        public var aliases: [String]

        public init(name: String, team: String? = nil, tier: Int? = nil, aliases: [String] = []) {
            self.name = name
            self.team = team
            self.tier = tier
            self.aliases = aliases
        }
    }

    public private(set) var services: [Service]
    /// The team of services the catalog does not name otherwise.
    public var defaultTeam: String?
    /// Lowercased names and aliases → position in `services`.
    private var positions: [String: Int] = [:]

    public init(services: [Service] = [], defaultTeam: String? = nil) {
        self.services = services
        self.defaultTeam = defaultTeam
        for (position, service) in services.enumerated() {
            for name in [service.name] + service.aliases where positions[name.lowercased()] == nil {
                positions[name.lowercased()] = position
            }
        }
    }

    public var isEmpty: Bool { services.isEmpty && defaultTeam == nil }

    /// The service with this name or alias, in any case.
    public func service(named name: String) -> Service? {
        positions[name.lowercased()].map { services[$0] }
    }
}
