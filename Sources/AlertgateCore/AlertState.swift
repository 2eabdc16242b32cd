/// An alert: the dedup unit, one per fingerprint while it fires. Repeats update it in place.
public struct AlertState: Hashable, Sendable {
    // Laid out for the firing alerts the correlator holds, one value each: the one-byte
    // fields fill the padding after `fingerprint`, and the optional times take 8 bytes, not
    // 16 (`CompactTimestamp`).
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
    /// Its labels as the correlator keeps them while it fires (`PackedLabels`: one buffer).
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
}
