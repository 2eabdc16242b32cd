/// Inhibition, as Alertmanager's `inhibit_rules`: while an alert matching `sourceMatchers`
/// fires, a new alert matching `targetMatchers` with the same values of the `equal` labels is
/// `suppressed`: stored and filed under the source's incident, opening and escalating nothing.
public struct InhibitRule: Hashable, Sendable {
    public var sourceMatchers: [LabelMatcher]
    public var targetMatchers: [LabelMatcher]
    public var equal: [String]

    public init(sourceMatchers: [LabelMatcher], targetMatchers: [LabelMatcher], equal: [String] = []) {
        self.sourceMatchers = sourceMatchers
        self.targetMatchers = targetMatchers
        self.equal = equal
    }

    /// The values of the `equal` labels, which a source and its targets share.
    func equalKey(_ value: (String) -> String?) -> String {
        equal.map { value($0) ?? "" }.joined(separator: "\u{1F}")
    }

    public var description: String {
        "{\(sourceMatchers.map(\.description).joined(separator: ","))} inhibits {\(targetMatchers.map(\.description).joined(separator: ","))}"
            + (equal.isEmpty ? "" : " with equal \(equal.joined(separator: ","))")
    }
}

/// When an alert flaps: resolving more than `resolves` times within `window` marks it flapping,
/// and its incident stays open (no open/resolve storm) until no alert of it has fired for
/// `holdDown`.
public struct FlappingRule: Hashable, Sendable {
    /// nil turns flapping detection off.
    public var resolves: Int? = 3
    public var window: Duration = .seconds(30 * 60)
    public var holdDown: Duration = .seconds(15 * 60)
    public init() {}
}

/// An incident opens only when `count` active alerts (or user reports) of a correlation key
/// arrive within `window`; until then the alerts are stored and `pending`. Resolved alerts do
/// not count.
public struct ThresholdRule: Hashable, Sendable {
    public var name: String
    public var condition: SignalCondition
    public var count: Int
    public var window: Duration

    public init(name: String, condition: SignalCondition, count: Int, window: Duration) {
        self.name = name
        self.condition = condition
        self.count = count
        self.window = window
    }
}

/// The rules the correlator applies beyond its windows: inhibition, flapping, thresholds and
/// how far back changes count as suspects. Reloadable with the config.
public struct CorrelationRules: Hashable, Sendable {
    public var inhibitRules: [InhibitRule] = []
    public var flapping = FlappingRule()
    public var thresholds: [ThresholdRule] = []
    /// Changes this long before an incident opened are its suspects (rollback candidates).
    public var rollbackLookback: Duration = .seconds(2 * 3600)
    public init() {}
}
