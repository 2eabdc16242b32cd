/// A firing alert as the correlator holds it: what correlation reads (identity, ids, times,
/// status, counts), not its title and labels, which live in the database (`AlertState` is the
/// whole alert, as stored and read).
///
/// Why: the correlator holds every firing alert, and an alert's labels and title were most
/// of it (a label buffer of ~150 bytes and a title string of ~60, against ~130 bytes for the
/// rest). What the correlator asks of them is answered here by digests:
/// - whether a repeat carries the same labels (`labelsDigest`), which decides whether the
///   classifier's rules read anything new;
/// - whether a repeat changed the title (`titleDigest`), which inhibition matchers read.
///
/// What needs the text itself gets it elsewhere: a new alert's outcome carries its title and
/// labels to the writer (`AlertChange`); a timeline line that names the alert has the writer
/// read its title from the row (`TimelineEntry.leadsWithAlertTitle`); inhibition indexes an
/// alert's labels when it starts to fire, from its signal, and rebuilds from stored rows
/// (`Correlator.indexInhibitionSources`).
public struct LiveAlert: Hashable, Sendable {
    // Laid out for many values (128 bytes): the one-byte fields fill the padding after
    // `fingerprint` (9 bytes), `titleDigest` the 4 bytes before `incidentID`'s alignment, and
    // the optional times take 8 bytes, not 16 (`CompactTimestamp`).
    public var id: Int64
    public var fingerprint: Fingerprint
    public var status: AlertStatus
    public var kind: SignalKind
    public var severity: Severity
    /// It resolved more often than the flapping rule allows within its window.
    public var flapping: Bool
    /// `LiveAlert.digest(title:)` of its title. Set by the correlator and `AlertState`, which
    /// keep it in step with the title.
    public internal(set) var titleDigest: UInt32
    public var incidentID: Int64
    public var service: String
    /// `LiveAlert.digest(labels:)` of its labels, which never change while it lives.
    public internal(set) var labelsDigest: UInt64
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

    public init(
        id: Int64, fingerprint: Fingerprint, status: AlertStatus, kind: SignalKind, severity: Severity, flapping: Bool,
        titleDigest: UInt32, incidentID: Int64, service: String, labelsDigest: UInt64, firstSeen: Timestamp, lastSeen: Timestamp,
        count: Int64, digest: UInt64, resolvedAt: Timestamp?, endsAt: Timestamp?, runStartedAt: Timestamp?, runLastAt: Timestamp?
    ) {
        self.id = id
        self.fingerprint = fingerprint
        self.status = status
        self.kind = kind
        self.severity = severity
        self.flapping = flapping
        self.titleDigest = titleDigest
        self.incidentID = incidentID
        self.service = service
        self.labelsDigest = labelsDigest
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.digest = digest
        self.resolvedAt = resolvedAt
        self.endsAt = endsAt
        self.runStartedAt = runStartedAt
        self.runLastAt = runLastAt
    }

    /// The live part of a whole alert.
    public init(_ alert: AlertState) {
        self = alert.live
    }

    /// A digest of a label set that does not depend on the pairs' order: the wrapping sum of
    /// each pair's FNV-1a (name, 0xFF, value), mixed. Held in memory only, never stored, so it
    /// may change between versions. Two sets with the same digest are taken as the same (a
    /// chance of 2⁻⁶⁴ per comparison of different sets).
    public static func digest(labels: [String: String]) -> UInt64 {
        var sum: UInt64 = 0
        for (name, value) in labels {
            var name = name, value = value
            sum &+= name.withUTF8 { name in value.withUTF8 { value in pairHash(name, value) } }
        }
        return sum
    }

    /// The same digest of a packed label set.
    public static func digest(labels: PackedLabels) -> UInt64 {
        var sum: UInt64 = 0
        labels.forEachPair { name, value in sum &+= pairHash(name, value) }
        return sum
    }

    /// One pair's part of a label digest: FNV-1a of (name, 0xFF, value), mixed.
    private static func pairHash(_ name: some Collection<UInt8>, _ value: some Collection<UInt8>) -> UInt64 {
        var hash = FNV1a64()
        for byte in name { hash.combine(byte: byte) }
        hash.combine(byte: 0xFF)
        for byte in value { hash.combine(byte: byte) }
        return mix(hash.value)
    }

    /// Whether a title differs from the alert's is all the correlator asks of it: 32 bits of
    /// its FNV-1a. A repeat whose new title collides with the old (1 in 4 billion changes)
    /// leaves the row's title as it was until the title changes again.
    public static func digest(title: String) -> UInt32 {
        var hash = FNV1a64()
        hash.combine(title)
        return UInt32(truncatingIfNeeded: hash.value ^ (hash.value >> 32))
    }

    /// A 64-bit finalizer (splitmix64's), so that sums of pair hashes do not cancel by pattern.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An alert as an outcome hands it to the writer: its live part, with its title and labels
/// when the outcome set them (a new alert: both; a repeat newer than its last signal: its
/// title). Where they are nil the writer keeps what the row holds.
@dynamicMemberLookup
public struct AlertChange: Hashable, Sendable {
    public var live: LiveAlert
    public var title: String?
    public var packedLabels: PackedLabels?

    public init(_ live: LiveAlert, title: String? = nil, labels: PackedLabels? = nil) {
        self.live = live
        self.title = title
        self.packedLabels = labels
    }

    /// A whole alert: every field known.
    public init(_ alert: AlertState) {
        self.init(LiveAlert(alert), title: alert.title, labels: alert.packedLabels)
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<LiveAlert, Value>) -> Value { live[keyPath: keyPath] }

    /// Its labels as a dictionary, when this change carries them.
    public var labels: [String: String]? { packedLabels?.dictionary }

    /// This change over an earlier one of the same alert in one batch: the newest live part,
    /// and the title and labels of whichever last carried them.
    public func replacing(_ earlier: AlertChange) -> AlertChange {
        AlertChange(live, title: title ?? earlier.title, labels: packedLabels ?? earlier.packedLabels)
    }
}
