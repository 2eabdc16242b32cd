/// An alert: the dedup unit, one per fingerprint while it fires. Repeats update it in place.
/// This is the whole alert, as stored and read: its live part (`LiveAlert`, what the
/// correlator holds of a firing alert, whose fields read through this value), its title and
/// its labels.
@dynamicMemberLookup
public struct AlertState: Hashable, Sendable {
    /// Its live part, whose digests follow `title` and `packedLabels`: set through this value.
    public private(set) var live: LiveAlert
    public var title: String {
        didSet { live.titleDigest = LiveAlert.digest(title: title) }
    }
    /// Its labels, packed (`PackedLabels`: one buffer).
    public var packedLabels: PackedLabels {
        didSet { live.labelsDigest = LiveAlert.digest(labels: packedLabels) }
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<LiveAlert, Value>) -> Value {
        live[keyPath: keyPath]
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<LiveAlert, Value>) -> Value {
        get { live[keyPath: keyPath] }
        set { live[keyPath: keyPath] = newValue }
    }

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
        self.init(id: id, fingerprint: fingerprint, incidentID: incidentID, status: status, kind: kind, service: service, title: title,
                  severity: severity, labels: PackedLabels(labels), firstSeen: firstSeen, lastSeen: lastSeen, resolvedAt: resolvedAt,
                  count: count, endsAt: endsAt, flapping: flapping, digest: digest, runStartedAt: runStartedAt, runLastAt: runLastAt)
    }

    /// The same, its labels already packed.
    public init(
        id: Int64, fingerprint: Fingerprint, incidentID: Int64, status: AlertStatus, kind: SignalKind,
        service: String, title: String, severity: Severity, labels packed: PackedLabels,
        firstSeen: Timestamp, lastSeen: Timestamp, resolvedAt: Timestamp?, count: Int64, endsAt: Timestamp? = nil, flapping: Bool = false,
        digest: UInt64 = 0, runStartedAt: Timestamp? = nil, runLastAt: Timestamp? = nil
    ) {
        // The digests of the title and labels are taken by `init(_:title:labels:)`.
        self.init(LiveAlert(
            id: id, fingerprint: fingerprint, status: status, kind: kind, severity: severity, flapping: flapping,
            titleDigest: 0, incidentID: incidentID, service: service,
            labelsDigest: 0, firstSeen: firstSeen, lastSeen: lastSeen, count: count, digest: digest,
            resolvedAt: resolvedAt, endsAt: endsAt, runStartedAt: runStartedAt, runLastAt: runLastAt), title: title, labels: packed)
    }

    /// A live alert with its title and labels (whose digests it takes).
    public init(_ live: LiveAlert, title: String, labels: PackedLabels) {
        self.live = live
        self.title = title
        self.packedLabels = labels
        self.live.titleDigest = LiveAlert.digest(title: title)
        self.live.labelsDigest = LiveAlert.digest(labels: labels)
    }
}
