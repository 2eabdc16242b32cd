/// An alert: the dedup unit, one per fingerprint while it fires. Repeats update it in place.
public struct AlertState: Hashable, Sendable {
    public var id: Int64
    public var fingerprint: Fingerprint
    public var incidentID: Int64
    public var status: AlertStatus
    public var kind: SignalKind
    public var service: String
    public var title: String
    public var severity: Severity
    public var labels: [String: String]
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var resolvedAt: Timestamp?
    /// Signals folded into this alert, the first included.
    public var count: Int64
    /// When the sender says it ends unless sent again; it then resolves at this time rather
    /// than `resolve_timeout` after `lastSeen`.
    public var endsAt: Timestamp?
    /// It resolved more often than the flapping rule allows within its window.
    public var flapping: Bool
    /// `Signal.contentDigest` of the last signal it took (0: not known, as for an alert stored
    /// before digests were kept). A firing repeat with the same digest folds.
    public var digest: UInt64
    /// When the run of folded repeats it is in began, and its last repeat arrived (receipt
    /// times): the first is the key of the run's history row, the second decides whether the
    /// next repeat extends it (`CorrelationConfig.repeatRunGap`). Nil while its last arrival
    /// was stored as a signal.
    public var runStartedAt: Timestamp?
    public var runLastAt: Timestamp?

    public init(
        id: Int64, fingerprint: Fingerprint, incidentID: Int64, status: AlertStatus, kind: SignalKind,
        service: String, title: String, severity: Severity, labels: [String: String],
        firstSeen: Timestamp, lastSeen: Timestamp, resolvedAt: Timestamp?, count: Int64, endsAt: Timestamp? = nil, flapping: Bool = false,
        digest: UInt64 = 0, runStartedAt: Timestamp? = nil, runLastAt: Timestamp? = nil
    ) {
        self.id = id
        self.fingerprint = fingerprint
        self.incidentID = incidentID
        self.status = status
        self.kind = kind
        self.service = service
        self.title = title
        self.severity = severity
        self.labels = labels
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.resolvedAt = resolvedAt
        self.count = count
        self.endsAt = endsAt
        self.flapping = flapping
        self.digest = digest
        self.runStartedAt = runStartedAt
        self.runLastAt = runLastAt
    }
}
