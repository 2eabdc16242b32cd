/// The classify stage: gives incidents their severity, type and owner from the signals they
/// hold, by `ClassificationRules`.
///
/// With the default rules:
/// - Severity: critical → SEV1, error → SEV2, warning → SEV3, info → SEV4; an incident
///   takes the worst of its signals. A `sev` label (`SEV1`..`SEV4`) on a signal wins.
/// - Type: a `category` or `type` label of `security` → security; a user report →
///   user_issue; a critical alert or error trace → outage; anything else → degradation.
///   An incident takes the strongest type seen: security, outage, degradation, user_issue.
/// - Owner: the first `owner` or `team` label seen.
/// Severity and type set by a person (`classifiedByHand`) are left alone.
public struct Classifier: Hashable, Sendable {
    public var rules: ClassificationRules

    public init(rules: ClassificationRules = ClassificationRules()) {
        self.rules = rules
    }

    /// Folds one more signal into an incident's classification.
    public func classify(_ incident: inout IncidentState, with signal: Signal) {
        if !incident.classifiedByHand {
            incident.severity = min(incident.severity, severity(of: signal))
            incident.type = Self.stronger(incident.type, type(of: signal))
        }
        if incident.owner == nil { incident.owner = owner(of: signal) }
        if !signal.service.isEmpty, !incident.services.contains(signal.service) {
            incident.services.append(signal.service)
            incident.services.sort()
        }
    }

    public func severity(of signal: Signal) -> IncidentSeverity {
        if let label = rules.severityLabel, let explicit = signal.labels[label].flatMap({ IncidentSeverity(rawValue: $0.uppercased()) }) {
            return explicit
        }
        return rules.severities[signal.severity] ?? .sev4
    }

    public func type(of signal: Signal) -> IncidentType {
        let category = rules.categoryLabels.lazy.compactMap { signal.labels[$0] }.first?.lowercased() ?? ""
        if rules.securityCategories.contains(category) { return .security }
        if let type = rules.typesByKind[signal.kind] { return type }
        return rules.outageSeverities.contains(signal.severity) ? .outage : .degradation
    }

    public func owner(of signal: Signal) -> String? {
        rules.ownerLabels.lazy.compactMap { signal.labels[$0] }.first
    }

    /// The weakest classification, which any signal's raises: a new incident starts here.
    static let weakest = (severity: IncidentSeverity.sev4, type: IncidentType.userIssue)

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
