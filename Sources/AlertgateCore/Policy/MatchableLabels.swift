/// The names matchers (silences, inhibition, rules) see on a signal or an alert: its labels,
/// plus `service`, `kind` and `severity` from its fields (and `source`, for signals), and
/// `alertname` falling back to its title, so one matcher syntax reaches every source.
public protocol MatchableLabels {
    /// The value of the label `name`, if it has one.
    func label(_ name: String) -> String?
    var service: String { get }
    var kind: SignalKind { get }
    var severity: Severity { get }
    var title: String { get }
    /// The ingest path, when the value knows it (alerts do not keep it).
    var matchSource: String? { get }
}

extension MatchableLabels {
    public func matchValue(_ name: String) -> String? {
        switch name {
        case "service": service
        case "source": matchSource
        case "kind": kind.rawValue
        case "severity": label("severity") ?? severity.rawValue
        case "alertname": label("alertname") ?? title
        default: label(name)
        }
    }

    /// Whether every matcher matches; string comparisons before regular expressions. (Loops,
    /// not closures over `self`: those copy the whole value at every call.)
    public func matches(_ matchers: [LabelMatcher]) -> Bool {
        for matcher in matchers where !matcher.op.isRegex {
            if !matcher.matches(value: matchValue(matcher.name)) { return false }
        }
        for matcher in matchers where matcher.op.isRegex {
            if !matcher.matches(value: matchValue(matcher.name)) { return false }
        }
        return true
    }
}

extension Signal: MatchableLabels {
    public var matchSource: String? { source.rawValue }
    public func label(_ name: String) -> String? { labels[name] }
}

extension AlertState: MatchableLabels {
    public var matchSource: String? { nil }
    public var service: String { live.service }
    public var kind: SignalKind { live.kind }
    public var severity: Severity { live.severity }
    public func label(_ name: String) -> String? { packedLabels[name] }
}

/// A live alert as matchers see it through the signal that just set its title (and, for a
/// new alert, its labels): the alert's fields, the signal's labels and title. A live alert
/// keeps neither (`LiveAlert`).
struct LiveAlertMatch: MatchableLabels {
    let alert: LiveAlert
    let signal: Signal

    var matchSource: String? { nil }
    func label(_ name: String) -> String? { signal.labels[name] }
    var service: String { alert.service }
    var kind: SignalKind { alert.kind }
    var severity: Severity { alert.severity }
    var title: String { signal.title }
}
