/// Gives incidents their severity, type and owner from the signals they hold.
///
/// - Severity: critical → SEV1, error → SEV2, warning → SEV3, info → SEV4; an incident
///   takes the worst of its signals. A `sev` label (`SEV1`..`SEV4`) on a signal wins.
/// - Type: a `category` or `type` label of `security` → security; a user report →
///   user_issue; a critical alert or error trace → outage; anything else → degradation.
///   An incident takes the strongest type seen: security, outage, degradation, user_issue.
/// - Owner: the first `owner` or `team` label seen.
public enum Classifier {
    public static func severity(of signal: Signal) -> IncidentSeverity {
        if let explicit = signal.labels["sev"].flatMap({ IncidentSeverity(rawValue: $0.uppercased()) }) {
            return explicit
        }
        switch signal.severity {
        case .critical: return .sev1
        case .error: return .sev2
        case .warning: return .sev3
        case .info: return .sev4
        }
    }

    public static func type(of signal: Signal) -> IncidentType {
        let category = (signal.labels["category"] ?? signal.labels["type"] ?? "").lowercased()
        if category == "security" { return .security }
        switch signal.kind {
        case .report: return .userIssue
        case .trace: return .outage
        case .alert, .log, .change: return signal.severity == .critical ? .outage : .degradation
        }
    }

    public static func owner(of signal: Signal) -> String? {
        signal.labels["owner"] ?? signal.labels["team"]
    }

    /// Folds one more signal into an incident's classification.
    public static func update(_ incident: inout IncidentState, with signal: Signal) {
        if !incident.classifiedByHand {
            incident.severity = min(incident.severity, severity(of: signal))
            incident.type = stronger(incident.type, type(of: signal))
        }
        if incident.owner == nil { incident.owner = owner(of: signal) }
        if !signal.service.isEmpty, !incident.services.contains(signal.service) {
            incident.services.append(signal.service)
            incident.services.sort()
        }
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
