/// How long alertgate keeps what it stored (`retention:` in the config). An age of nil keeps
/// forever (`off` or 0 in the file).
///
/// The defaults bound the database without surprising anyone who reads old incidents: raw
/// payloads, the bulk of the file, for a month (long enough for any postmortem of the month);
/// signals that belong to no incident (silenced, pending, change events) for a quarter (the
/// span of trend reviews); a closed incident, with its signals, alerts, timeline and
/// notifications, for a year after it was closed (year-over-year reviews). Open, acknowledged
/// and resolved incidents are never deleted, nor anything of theirs but raw payloads.
public struct RetentionConfig: Hashable, Sendable {
    /// Raw payloads received longer ago than this are deleted; their signals stay.
    public var payloads: Duration? = .seconds(30 * 86_400)
    /// Signals of no incident received longer ago than this are deleted (with their change
    /// rows). A signal of an incident goes with its incident, never before.
    public var signals: Duration? = .seconds(90 * 86_400)
    /// Incidents closed longer ago than this are deleted with everything of theirs.
    public var incidents: Duration? = .seconds(365 * 86_400)
    /// How often a pass runs (the first runs a minute after start, or after `interval` if shorter).
    public var interval: Duration = .seconds(3600)
    /// Rows deleted per write transaction: small, so the pipeline's commits go on between them.
    public var batch = 1000

    /// The shortest age accepted: anything shorter is most likely a typo (a bare number is seconds).
    public static let shortestAge: Duration = .seconds(3600)

    public init() {}

    /// Whether anything is ever deleted.
    public var isEnabled: Bool { payloads != nil || signals != nil || incidents != nil }

    /// What a pass that starts at `now` deletes.
    public func cutoffs(at now: Timestamp) -> RetentionCutoffs {
        RetentionCutoffs(payloadsBefore: payloads.map { now - $0 }, signalsBefore: signals.map { now - $0 },
                         incidentsClosedBefore: incidents.map { now - $0 })
    }

    public func validate() throws(ConfigError) {
        for (key, age) in [("retention.payloads", payloads), ("retention.signals", signals), ("retention.incidents", incidents)] {
            guard let age else { continue }
            guard age >= Self.shortestAge else {
                throw ConfigError(key: key, message: "must be at least 1h, or off to keep forever; got \(DurationText.format(age))")
            }
        }
        guard interval >= .seconds(1) else { throw ConfigError(key: "retention.interval", message: "must be at least 1s") }
        guard (1...10_000).contains(batch) else { throw ConfigError(key: "retention.batch", message: "must be between 1 and 10000, got \(batch)") }
    }
}
