/// How incidents get their severity, type, owner and escalation: the classify stage's rules,
/// part of the config. The config's own rules come first; alertgate's defaults follow, so a
/// config with no rules classifies as the defaults say.
public struct ClassificationRules: Hashable, Sendable {
    /// Ordered; the first matching rule decides. The config's rules, then `SeverityRule.defaults`.
    public var severityRules: [SeverityRule] = SeverityRule.defaults
    /// Ordered; the first matching rule decides. The config's rules, then `TypeRule.defaults`.
    public var typeRules: [TypeRule] = TypeRule.defaults
    /// A label whose value (`SEV1`..`SEV4`, any case) sets the severity outright; nil turns it off.
    public var severityLabel: String? = "sev"
    /// Labels read, in order, for the owner (the enrich stage sets `team` from the catalog).
    public var ownerLabels = ["owner", "team"]
    /// An incident that spans this many services goes one step up (SEV3 → SEV2); nil never.
    public var escalateAtServices: Int? = 2
    /// An incident with this many user reports goes one step up; nil never.
    public var escalateAtUserReports: Int? = 3

    public init() {}

    /// The config's rules in front of the defaults.
    public init(severityRules: [SeverityRule], typeRules: [TypeRule]) {
        self.severityRules = severityRules + SeverityRule.defaults
        self.typeRules = typeRules + TypeRule.defaults
    }
}
