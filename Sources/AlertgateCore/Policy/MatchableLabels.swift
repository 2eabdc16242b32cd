/// The names matchers (silences, inhibition, rules) see on a signal or an alert: its labels,
/// plus `service`, `source`, `kind` and `severity` from its fields, and `alertname` falling
/// back to its title, so one matcher syntax reaches every source.
extension Signal {
    public func matchValue(_ name: String) -> String? {
        switch name {
        case "service": service
        case "source": source.rawValue
        case "kind": kind.rawValue
        case "severity": labels["severity"] ?? severity.rawValue
        case "alertname": labels["alertname"] ?? title
        default: labels[name]
        }
    }

    /// Whether every matcher matches; string comparisons before regular expressions. (Loops,
    /// not closures over `self`: those copy the whole signal at every call.)
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

extension AlertState {
    public func matchValue(_ name: String) -> String? {
        switch name {
        case "service": service
        case "kind": kind.rawValue
        case "severity": labels["severity"] ?? severity.rawValue
        case "alertname": labels["alertname"] ?? title
        default: labels[name]
        }
    }

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
