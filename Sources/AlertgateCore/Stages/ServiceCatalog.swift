/// The services alertgate knows: team, tier, on-call, runbook, the other names signals use
/// for them, what they depend on, and how the status page shows them. Empty by default:
/// every signal keeps the service it came with.
public struct ServiceCatalog: Hashable, Sendable {
    public struct Service: Hashable, Sendable {
        /// The service key incidents use.
        public var name: String
        public var team: String?
        /// 1 (critical) … 3.
        public var tier: Int?
        /// A receiver or escalation name (the notifier's), shown on its incidents.
        public var oncall: String?
        public var runbook: String?
        /// Other names of the service: in labels (a namespace, a `service.name`), hosts
        /// (`checkout-*` as a glob) or report text ("payment page").
        public var aliases: [String]
        /// The services it calls.
        public var dependsOn: [String]
        /// Its name and group on the status page; nil keeps it off the page.
        public var publicName: String?
        public var publicGroup: String?
        /// The named status page (`/status/{page}`) it is shown on instead of `/status`.
        public var publicPage: String?

        public init(name: String, team: String? = nil, tier: Int? = nil, oncall: String? = nil, runbook: String? = nil,
                    aliases: [String] = [], dependsOn: [String] = [], publicName: String? = nil, publicGroup: String? = nil,
                    publicPage: String? = nil) {
            self.name = name
            self.team = team
            self.tier = tier
            self.oncall = oncall
            self.runbook = runbook
            self.aliases = aliases
            self.dependsOn = dependsOn
            self.publicName = publicName
            self.publicGroup = publicGroup
            self.publicPage = publicPage
        }

        /// Aliases with `*` or `?`: patterns for host names.
        var patterns: [String] { aliases.filter(Glob.isPattern) }
    }

    public private(set) var services: [Service]
    /// The team of services the catalog does not name otherwise.
    public var defaultTeam: String?
    /// Lowercased names and plain aliases → position in `services`.
    private var positions: [String: Int] = [:]
    /// The same, as the catalog spells them.
    private var exactPositions: [String: Int] = [:]
    /// Lowercased glob aliases (as bytes) with their service's position, in catalog order.
    private var patterns: [(pattern: [UInt8], position: Int)] = []
    /// Lowercased names and plain aliases to look for in report text, longest first.
    private var phrases: [(phrase: String, position: Int)] = []
    /// Service name → the names of the services that depend on it.
    private var dependents: [String: Set<String>] = [:]

    public init(services: [Service] = [], defaultTeam: String? = nil) {
        self.services = services
        self.defaultTeam = defaultTeam
        for (position, service) in services.enumerated() {
            for name in [service.name] + service.aliases {
                let lowered = name.lowercased()
                if Glob.isPattern(name) {
                    patterns.append((Array(lowered.utf8), position))
                } else if positions[lowered] == nil {
                    positions[lowered] = position
                    if exactPositions[name] == nil { exactPositions[name] = position }
                    phrases.append((lowered, position))
                }
            }
            for dependency in service.dependsOn { dependents[dependency, default: []].insert(service.name) }
        }
        phrases.sort { ($0.phrase.count, $1.position) > ($1.phrase.count, $0.position) }
    }

    public var isEmpty: Bool { services.isEmpty && defaultTeam == nil }

    public static func == (lhs: ServiceCatalog, rhs: ServiceCatalog) -> Bool {
        lhs.services == rhs.services && lhs.defaultTeam == rhs.defaultTeam
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(services)
        hasher.combine(defaultTeam)
    }

    /// The service with this name or plain alias, in any case.
    public func service(named name: String) -> Service? {
        // Most names come as the catalog writes them: no lowercased copy for those.
        if let position = exactPositions[name] ?? positions[name.lowercased()] { return services[position] }
        return nil
    }

    /// The first service with a glob alias matching `host` (a host name, an instance).
    public func service(host: String) -> Service? {
        guard !patterns.isEmpty else { return nil }
        let lowered = Array(host.lowercased().utf8)
        return patterns.first { Glob.matches($0.pattern, lowered) }.map { services[$0.position] }
    }

    /// The service whose name or alias appears in `text` as whole words (longest first), with
    /// the words that matched.
    public func service(inText text: String) -> (service: Service, phrase: String)? {
        let lowered = text.lowercased()
        for (phrase, position) in phrases where Self.containsWords(lowered, phrase) {
            return (services[position], phrase)
        }
        return nil
    }

    /// Whether any service depends on `name` or `name` depends on any.
    public func hasRelations(_ name: String) -> Bool {
        dependents[name] != nil || service(named: name).map { !$0.dependsOn.isEmpty } == true
    }

    /// The services `name` depends on and those that depend on it.
    public func relatedServices(of name: String) -> Set<String> {
        dependents[name, default: []].union(service(named: name)?.dependsOn ?? [])
    }

    /// Whether `a` and `b` are linked by a dependency, in either direction.
    public func related(_ a: String, _ b: String) -> Bool {
        dependents[a]?.contains(b) == true || dependents[b]?.contains(a) == true
    }

    /// How `b` relates to `a`, for people: `payments-db, a dependency of checkout`.
    public func relation(of b: String, to a: String) -> String? {
        if dependents[b]?.contains(a) == true { return "\(b), a dependency of \(a)" }
        if dependents[a]?.contains(b) == true { return "\(b), which depends on \(a)" }
        return nil
    }

    /// The services `name` calls.
    public func dependencies(of name: String) -> [String] {
        service(named: name)?.dependsOn ?? []
    }

    private static func containsWords(_ text: String, _ phrase: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: phrase, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before.map(isWordCharacter) ?? false), !(after.map(isWordCharacter) ?? false) { return true }
            searchStart = text.index(after: range.lowerBound)
        }
        return false
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-"
    }
}

/// Shell-style patterns for host names: `*` any run of characters, `?` one character.
enum Glob {
    static func isPattern(_ text: String) -> Bool {
        text.contains("*") || text.contains("?")
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern.utf8), Array(text.utf8))
    }

    static func matches(_ p: [UInt8], _ t: [UInt8]) -> Bool {
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
