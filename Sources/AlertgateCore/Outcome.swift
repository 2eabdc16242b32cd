/// What the correlator decided for one signal, command or expiry, and every record it
/// changed. The store writes these snapshots as they are.
public struct Outcome: Hashable, Sendable {
    /// The id given to the signal, when the outcome is for a signal.
    public var signalID: Int64?
    public var decision: Decision?
    public var why: Why?
    /// The fingerprint and time the signal was placed by.
    public var fingerprint: Fingerprint?
    public var effectiveTime: Timestamp
    /// The alert and incident the signal was placed in.
    public var alertID: Int64?
    public var incidentID: Int64?
    /// Alerts and incidents as they are after this outcome, to be stored (one snapshot each;
    /// an alert's title and labels only where this outcome set them).
    public internal(set) var alerts: [AlertChange]
    public internal(set) var incidents: [IncidentState]
    /// Positions in `alerts` and `incidents` by id once there are more than a few, so
    /// recording a snapshot stays O(1) even when one expiry resolves a hundred thousand alerts.
    var alertPositions: [Int64: Int] = [:]
    var incidentPositions: [Int64: Int] = [:]
    public var timeline: [TimelineEntry]
    /// What changed for those outside the pipeline, in order (the announce stage).
    public var transitions: [Transition] = []
    /// Set when the signal was a repeat that changed nothing but its times: it has no signal
    /// id and no signal row, and counts in its alert's repeat history instead.
    public var fold: Fold?

    public init(
        signalID: Int64? = nil, decision: Decision? = nil, why: Why? = nil, fingerprint: Fingerprint? = nil,
        effectiveTime: Timestamp, alertID: Int64? = nil, incidentID: Int64? = nil,
        alerts: [AlertState] = [], incidents: [IncidentState] = [], timeline: [TimelineEntry] = []
    ) {
        self.signalID = signalID
        self.decision = decision
        self.why = why
        self.fingerprint = fingerprint
        self.effectiveTime = effectiveTime
        self.alertID = alertID
        self.incidentID = incidentID
        self.alerts = []
        self.incidents = []
        self.timeline = timeline
        for alert in alerts { record(AlertChange(alert)) }
        for incident in incidents { record(incident) }
    }
}

/// A repeat folded into its alert (`CorrelationConfig.foldRepeats`): what the writer adds to
/// the alert's repeat history.
public struct Fold: Hashable, Sendable {
    public var alertID: Int64
    /// The run it joins: with the alert id, the key of the history row.
    public var runStartedAt: Timestamp
    /// When the repeat arrived.
    public var at: Timestamp
    /// The arrivals it stands for: more than one when repeats were folded before the pipeline
    /// (`Correlator.foldArrivals`).
    public var count: Int64

    public init(alertID: Int64, runStartedAt: Timestamp, at: Timestamp, count: Int64 = 1) {
        self.alertID = alertID
        self.runStartedAt = runStartedAt
        self.at = at
        self.count = count
    }
}
