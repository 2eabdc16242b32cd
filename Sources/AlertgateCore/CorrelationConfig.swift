/// The windows and keys that decide how signals become alerts and incidents.
public struct CorrelationConfig: Hashable, Sendable {
    /// A new alert joins an active incident of the same key if that incident still has firing
    /// alerts or saw a signal within this window.
    public var correlationWindow: Duration
    /// A firing alert that nothing repeats for this long resolves itself.
    public var resolveTimeout: Duration
    /// A signal for a resolved incident within this window after its resolution reopens it;
    /// later, it opens a new incident.
    public var reopenWindow: Duration
    /// A signal's own time is used when it is within this distance of its receipt; otherwise
    /// the receipt time is used.
    public var maxClockSkew: Duration
    /// Label names whose values form the correlation key; empty means the service.
    public var groupBy: [String]
    /// A repeat of a firing alert that changes nothing but its times folds into the alert's
    /// count and repeat history instead of being stored as a signal row; so does a log line
    /// (syslog, GELF) of the same masked message.
    public var foldRepeats: Bool
    /// Folded repeats further apart than this start a new run in the alert's repeat history.
    public var repeatRunGap: Duration

    public init(
        correlationWindow: Duration = .seconds(600),
        resolveTimeout: Duration = .seconds(300),
        reopenWindow: Duration = .seconds(1800),
        maxClockSkew: Duration = .seconds(600),
        groupBy: [String] = [],
        foldRepeats: Bool = true,
        repeatRunGap: Duration = .seconds(600)
    ) {
        self.correlationWindow = correlationWindow
        self.resolveTimeout = resolveTimeout
        self.reopenWindow = reopenWindow
        self.maxClockSkew = maxClockSkew
        self.groupBy = groupBy
        self.foldRepeats = foldRepeats
        self.repeatRunGap = repeatRunGap
    }

    /// The correlation key of a signal: its service, or `name=value` pairs of `groupBy`.
    public func key(for signal: Signal) -> String {
        if groupBy.isEmpty { return signal.service }
        return groupBy.map { name in
            let value = name == "service" ? (signal.labels[name] ?? signal.service) : (signal.labels[name] ?? "")
            return "\(name)=\(value)"
        }.joined(separator: ",")
    }
}
