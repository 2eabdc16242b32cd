/// An alert: the dedup unit, one per fingerprint while it fires. Repeats update it in place.
/// This is the whole alert, as stored and read; the correlator holds firing alerts as
/// `LiveAlert`, without their title and labels.
public struct AlertState: Hashable, Sendable {
    public var id: Int64
    public var fingerprint: Fingerprint
    public var status: AlertStatus
    public var kind: SignalKind
    public var severity: Severity
    /// It resolved more often than the flapping rule allows within its window.
    public var flapping: Bool
    public var incidentID: Int64
    public var service: String
    public var title: String
    /// Its labels, packed (`PackedLabels`: one buffer).
    public var packedLabels: PackedLabels
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    /// Signals folded into this alert, the first included.
    public var count: Int64
    /// `Signal.contentDigest` of the last signal it took (0: not known, as for an alert stored
    /// before digests were kept). A firing repeat with the same digest folds.
    public var digest: UInt64
    @CompactTimestamp public var resolvedAt: Timestamp?
    /// When the sender says it ends unless sent again; it then resolves at this time rather
    /// than `resolve_timeout` after `lastSeen`.
    @CompactTimestamp public var endsAt: Timestamp?
    /// When the run of folded repeats it is in began, and its last repeat arrived (receipt
    /// times): the first is the key of the run's history row, the second decides whether the
    /// next repeat extends it (`CorrelationConfig.repeatRunGap`). Nil while its last arrival
    /// was stored as a signal.
    @CompactTimestamp public var runStartedAt: Timestamp?
    @CompactTimestamp public var runLastAt: Timestamp?

    /// Its labels as a dictionary, unpacked on each read: readers' view, not the hot path's.
    public var labels: [String: String] {
        get { packedLabels.dictionary }
        set { packedLabels = PackedLabels(newValue) }
    }

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
        self.packedLabels = PackedLabels(labels)
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

    /// A live alert with its title and labels.
    public init(_ live: LiveAlert, title: String, labels: PackedLabels) {
        self.init(id: live.id, fingerprint: live.fingerprint, incidentID: live.incidentID, status: live.status, kind: live.kind,
                  service: live.service, title: title, severity: live.severity, labels: [:], firstSeen: live.firstSeen,
                  lastSeen: live.lastSeen, resolvedAt: live.resolvedAt, count: live.count, endsAt: live.endsAt, flapping: live.flapping,
                  digest: live.digest, runStartedAt: live.runStartedAt, runLastAt: live.runLastAt)
        packedLabels = labels
    }
}
