/// One normalized observation from any source: the value every codec produces and the
/// correlator consumes. Wire formats never leak past the codec that decodes them.
public struct Signal: Hashable, Sendable {
    public var kind: SignalKind
    public var source: SignalSource
    public var status: SignalStatus
    public var service: String
    public var title: String
    public var description: String?
    public var severity: Severity
    public var labels: [String: String]
    /// The sender's own identity for this problem; wins over any computed fingerprint.
    public var dedupKey: String?
    /// When the sender says it happened; used when plausible (see `CorrelationConfig.maxClockSkew`).
    public var occurredAt: Timestamp?
    public var links: [SignalLink]
    /// Free text naming who sent it (a host, a tool, a person).
    public var sender: String?
    /// When the sender says the alert ends unless it is sent again (Alertmanager's `endsAt`).
    /// A firing alert with one resolves at that time instead of after `resolve_timeout`.
    public var endsAt: Timestamp?
    /// The identity a codec already knows (Alertmanager's label fingerprint, a webhook's
    /// `fingerprint`); when nil, `Fingerprint.of` computes it.
    public var fingerprint: Fingerprint?

    public init(
        kind: SignalKind = .alert,
        source: SignalSource = .events,
        status: SignalStatus = .firing,
        service: String,
        title: String,
        description: String? = nil,
        severity: Severity = .error,
        labels: [String: String] = [:],
        dedupKey: String? = nil,
        occurredAt: Timestamp? = nil,
        links: [SignalLink] = [],
        sender: String? = nil,
        endsAt: Timestamp? = nil,
        fingerprint: Fingerprint? = nil
    ) {
        self.kind = kind
        self.source = source
        self.status = status
        self.service = service
        self.title = title
        self.description = description
        self.severity = severity
        self.labels = labels
        self.dedupKey = dedupKey
        self.occurredAt = occurredAt
        self.links = links
        self.sender = sender
        self.endsAt = endsAt
        self.fingerprint = fingerprint
    }
}
