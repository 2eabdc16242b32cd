/// How incidents get their severity, type and owner from the signals they hold: the classify
/// stage's rules, part of the config. The defaults are alertgate's built-in mapping.
public struct ClassificationRules: Hashable, Sendable {
    /// A signal's severity → the incident severity it asks for.
    public var severities: [Severity: IncidentSeverity] = [.critical: .sev1, .error: .sev2, .warning: .sev3, .info: .sev4]
    /// A label whose value (`SEV1`..`SEV4`, any case) sets the severity outright; nil turns it off.
    public var severityLabel: String? = "sev"
    /// Labels read, in order, for the signal's category.
    public var categoryLabels = ["category", "type"]
    /// Categories (lowercased) that make the incident a security one.
    public var securityCategories: Set<String> = ["security"]
    /// The type by signal kind, for kinds that decide it on their own.
    public var typesByKind: [SignalKind: IncidentType] = [.report: .userIssue, .trace: .outage]
    /// Signal severities that make an alert or log an outage; others are a degradation.
    public var outageSeverities: Set<Severity> = [.critical]
    /// Labels read, in order, for the owner.
    public var ownerLabels = ["owner", "team"]

    public init() {}
}
