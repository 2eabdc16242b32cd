/// What a severity or type rule matches on. Every part given must match; an empty condition
/// matches every signal.
public struct SignalCondition: Hashable, Sendable {
    public var sources: Set<SignalSource>?
    public var services: Set<String>?
    /// The service's tier; a service the catalog gives no tier counts as tier 1, so an
    /// unknown service pages rather than waits.
    public var tiers: Set<Int>?
    /// The signal's own severity (critical, error, warning, info).
    public var severities: Set<Severity>?
    public var kinds: Set<SignalKind>?
    /// The incident type the type rules give the signal (severity rules only).
    public var types: Set<IncidentType>?
    /// Alertmanager matchers on labels (and `service`, `source`, `alertname`, ...).
    public var matchers: [LabelMatcher]

    public init(sources: Set<SignalSource>? = nil, services: Set<String>? = nil, tiers: Set<Int>? = nil, severities: Set<Severity>? = nil,
                kinds: Set<SignalKind>? = nil, types: Set<IncidentType>? = nil, matchers: [LabelMatcher] = []) {
        self.sources = sources
        self.services = services
        self.tiers = tiers
        self.severities = severities
        self.kinds = kinds
        self.types = types
        self.matchers = matchers
    }

    public func matches(_ signal: Signal, tier: Int, type: IncidentType?) -> Bool {
        if let sources, !sources.contains(signal.source) { return false }
        if let services, !services.contains(signal.service) { return false }
        if let tiers, !tiers.contains(tier) { return false }
        if let severities, !severities.contains(signal.severity) { return false }
        if let kinds, !kinds.contains(signal.kind) { return false }
        if let types, let type, !types.contains(type) { return false }
        return signal.matches(matchers)
    }
}

/// An ordered severity rule: the first whose condition matches gives the signal its SEV.
public struct SeverityRule: Hashable, Sendable {
    public var name: String
    public var condition: SignalCondition
    public var severity: IncidentSeverity

    public init(name: String, condition: SignalCondition, severity: IncidentSeverity) {
        self.name = name
        self.condition = condition
        self.severity = severity
    }

    /// alertgate's defaults, after the config's own rules: critical on tier 1 is SEV1;
    /// critical elsewhere or error on tier 1 is SEV2; error elsewhere or warning on tier 1 is
    /// SEV3; the rest SEV4.
    public static let defaults: [SeverityRule] = [
        SeverityRule(name: "default.critical_tier1", condition: SignalCondition(tiers: [1], severities: [.critical]), severity: .sev1),
        SeverityRule(name: "default.critical", condition: SignalCondition(severities: [.critical]), severity: .sev2),
        SeverityRule(name: "default.error_tier1", condition: SignalCondition(tiers: [1], severities: [.error]), severity: .sev2),
        SeverityRule(name: "default.error", condition: SignalCondition(severities: [.error]), severity: .sev3),
        SeverityRule(name: "default.warning_tier1", condition: SignalCondition(tiers: [1], severities: [.warning]), severity: .sev3),
        SeverityRule(name: "default.rest", condition: SignalCondition(), severity: .sev4),
    ]
}

/// An ordered type rule: the first whose condition matches gives the signal its type.
public struct TypeRule: Hashable, Sendable {
    public var name: String
    public var condition: SignalCondition
    public var type: IncidentType

    public init(name: String, condition: SignalCondition, type: IncidentType) {
        self.name = name
        self.condition = condition
        self.type = type
    }

    private static func matcher(_ text: String) -> LabelMatcher {
        // The defaults are written here and parse; a failure is a bug caught by the tests.
        try! LabelMatcher(parsing: text)
    }

    /// alertgate's defaults, after the config's own rules.
    public static let defaults: [TypeRule] = [
        TypeRule(name: "default.security_label", condition: SignalCondition(matchers: [matcher("category=~(?i)security")]), type: .security),
        TypeRule(name: "default.security_type_label", condition: SignalCondition(matchers: [matcher("type=~(?i)security")]), type: .security),
        TypeRule(name: "default.security_flag", condition: SignalCondition(matchers: [matcher("security=~(?i)true|yes|1")]), type: .security),
        TypeRule(name: "default.user_report", condition: SignalCondition(kinds: [.report]), type: .userIssue),
        TypeRule(name: "default.slow_span", condition: SignalCondition(kinds: [.trace], matchers: [matcher("exception.type=slow")]), type: .degradation),
        TypeRule(name: "default.entry_point_error_span", condition: SignalCondition(kinds: [.trace], matchers: [matcher("span.kind=~server|consumer|")]), type: .outage),
        TypeRule(name: "default.inner_error_span", condition: SignalCondition(kinds: [.trace]), type: .degradation),
        TypeRule(name: "default.down", condition: SignalCondition(matchers: [matcher(
            "alertname=~(?i).*(down|unreachable|unavailable|probe(|_|-| )fail|5xx|error(|_|-| )rate).*")]), type: .outage),
        TypeRule(name: "default.up_is_zero", condition: SignalCondition(matchers: [matcher("alertname=~(?i)up|absent.*")]), type: .outage),
        TypeRule(name: "default.slow", condition: SignalCondition(matchers: [matcher(
            "alertname=~(?i).*(latency|slow|saturat|cpu|memory|disk|queue|lag|throttl|p95|p99|duration).*")]), type: .degradation),
        TypeRule(name: "default.critical", condition: SignalCondition(severities: [.critical]), type: .outage),
        TypeRule(name: "default.rest", condition: SignalCondition(), type: .degradation),
    ]
}
