/// The classify stage: gives incidents their severity, type, owner and on-call from the
/// signals they hold, by `ClassificationRules` and the service catalog, and says why.
///
/// - Severity: each signal gets a SEV from the first matching severity rule (a `sev` label
///   wins); an incident keeps the worst of its signals (`ruleSeverity`), raised one step for
///   each way its scope grew: `escalateAtServices` services, `escalateAtUserReports` user
///   reports.
/// - Type: each signal gets a type from the first matching type rule; an incident takes the
///   strongest seen (security, outage, degradation, user_issue), so an outage signal joining
///   a degradation turns it into an outage.
/// - Owner: the first `owner` or `team` label seen (the enrich stage sets `team` from the
///   catalog unless the signal names one); on-call from the catalog service.
/// Severity and type set by a person (`classifiedByHand`) are left alone.
public struct Classifier: Hashable, Sendable {
    public var rules: ClassificationRules
    public var catalog: ServiceCatalog

    public init(rules: ClassificationRules = ClassificationRules(), catalog: ServiceCatalog = ServiceCatalog()) {
        self.rules = rules
        self.catalog = catalog
    }

    /// What one signal asks of its incident, with the rules that decided.
    public struct Verdict: Hashable, Sendable {
        public var severity: IncidentSeverity
        public var severityRule: String
        public var type: IncidentType
        public var typeRule: String
    }

    /// Folds one more signal into an incident's classification; returns why its severity or
    /// type changed (empty when neither did).
    ///
    /// `applyingRules: false` skips the signal's own verdict, for a repeat that changed
    /// nothing the rules read (same severity and labels): its alert's first signal already
    /// gave it, and the rules cost most of the work. Scope (services, user reports) still counts.
    @discardableResult
    public func classify(_ incident: inout IncidentState, with signal: Signal, since earlier: IncidentState? = nil, applyingRules: Bool = true) -> [String] {
        classify(&incident, with: signal, since: earlier, verdict: applyingRules ? verdict(for: signal) : nil)
    }

    /// `classify` with the signal's verdict already worked out (`VerdictMemo`); nil skips the
    /// rules, as `applyingRules: false` does.
    @discardableResult
    public func classify(_ incident: inout IncidentState, with signal: Signal, since earlier: IncidentState?, verdict given: Verdict?) -> [String] {
        let before = earlier ?? incident
        let verdict = given ?? Verdict(severity: incident.ruleSeverity, severityRule: "", type: incident.type, typeRule: "")
        if !signal.service.isEmpty, !incident.services.contains(signal.service) {
            incident.services.append(signal.service)
            incident.services.sort()
        }
        if incident.owner == nil { incident.owner = owner(of: signal) }
        if incident.oncall == nil { incident.oncall = catalog.service(named: signal.service)?.oncall }
        guard !incident.classifiedByHand else { return [] }
        incident.ruleSeverity = min(incident.ruleSeverity, verdict.severity)
        incident.type = Self.stronger(incident.type, verdict.type)
        incident.severity = min(incident.severity, Self.raise(incident.ruleSeverity, by: scopeSteps(incident)))

        var reasons: [String] = []
        if incident.ruleSeverity < before.ruleSeverity {
            reasons.append("\(verdict.severity.rawValue) by rule \(verdict.severityRule) (\(signal.service): \(signal.title))")
        }
        if let services = rules.escalateAtServices, incident.services.count >= services, before.services.count < services {
            let added = incident.services.filter { !before.services.contains($0) }
            let described = added.map { new in before.services.lazy.compactMap { catalog.relation(of: new, to: $0) }.first ?? new }
            reasons.append("its scope grew to \(incident.services.count) services (+\(described.joined(separator: ", +")))")
        }
        if let reports = rules.escalateAtUserReports, incident.reportCount >= reports, before.reportCount < reports {
            reasons.append("\(incident.reportCount) user reports")
        }
        if incident.type != before.type {
            reasons.append("type \(before.type.rawValue) → \(incident.type.rawValue) by rule \(verdict.typeRule) (\(signal.title))")
        }
        return incident.severity != before.severity || incident.type != before.type ? reasons : []
    }

    /// The steps an incident's scope raises its severity by.
    public func scopeSteps(_ incident: IncidentState) -> Int {
        var steps = 0
        if let services = rules.escalateAtServices, incident.services.count >= services { steps += 1 }
        if let reports = rules.escalateAtUserReports, incident.reportCount >= reports { steps += 1 }
        return steps
    }

    public func verdict(for signal: Signal) -> Verdict {
        let tier = tier(of: signal)
        let typeRule = rules.typeRules.first { $0.condition.matches(signal, tier: tier, type: nil) }
        let type = typeRule?.type ?? .degradation
        if let label = rules.severityLabel, let explicit = signal.labels[label].flatMap({ IncidentSeverity(rawValue: $0.uppercased()) }) {
            return Verdict(severity: explicit, severityRule: "label.\(label)", type: type, typeRule: typeRule?.name ?? "none")
        }
        let severityRule = rules.severityRules.first { $0.condition.matches(signal, tier: tier, type: type) }
        return Verdict(severity: severityRule?.severity ?? .sev4, severityRule: severityRule?.name ?? "none",
                       type: type, typeRule: typeRule?.name ?? "none")
    }

    public func severity(of signal: Signal) -> IncidentSeverity { verdict(for: signal).severity }
    public func type(of signal: Signal) -> IncidentType { verdict(for: signal).type }

    public func owner(of signal: Signal) -> String? {
        rules.ownerLabels.lazy.compactMap { signal.labels[$0] }.first
    }

    /// The signal's tier: its `tier` label, else its catalog service's, else 1.
    public func tier(of signal: Signal) -> Int {
        signal.labels["tier"].flatMap { Int($0) } ?? catalog.service(named: signal.service)?.tier ?? 1
    }

    /// What the opening timeline entry says about a new incident's classification.
    public func summary(of incident: IncidentState, first signal: Signal) -> String {
        let verdict = verdict(for: signal)
        var parts = ["\(incident.severity.rawValue) by rule \(verdict.severityRule)", "\(incident.type.rawValue) by rule \(verdict.typeRule)"]
        if let owner = incident.owner {
            let fromCatalog = signal.labels["owner"] == nil && catalog.service(named: signal.service)?.team == owner
            parts.append("owner \(owner)\(fromCatalog ? " (catalog)" : "")")
        }
        if let oncall = incident.oncall { parts.append("on-call \(oncall)") }
        return parts.joined(separator: "; ")
    }

    /// The weakest classification, which any signal's raises: a new incident starts here.
    static let weakest = (severity: IncidentSeverity.sev4, type: IncidentType.userIssue)

    static func raise(_ severity: IncidentSeverity, by steps: Int) -> IncidentSeverity {
        IncidentSeverity(code: max(1, severity.code - steps)) ?? severity
    }

    static func rank(_ type: IncidentType) -> Int {
        switch type {
        case .security: 4
        case .outage: 3
        case .degradation: 2
        case .userIssue: 1
        }
    }

    static func stronger(_ a: IncidentType, _ b: IncidentType) -> IncidentType {
        rank(a) >= rank(b) ? a : b
    }
}
