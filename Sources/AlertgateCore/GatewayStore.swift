/// Where alertgate keeps everything. One writer (the pipeline) commits batches; readers query.
/// SQLite implements it; a shared database server can implement it for several replicas.
public protocol GatewayStore: Sendable {
    /// The correlator's state as of the last commit: firing alerts, incidents that may still
    /// take signals (resolved ones within `reopenWindow` of `now`), and the last ids.
    func loadCorrelatorState(now: Timestamp, reopenWindow: Duration) async throws -> CorrelatorState
    /// Writes a batch in one transaction; returns after it has committed, and after telling
    /// each payload's `commitObserver` the id the payload got.
    func commit(_ batch: StoreBatch) async throws

    func incident(id: Int64) async throws -> IncidentState?
    func incidents(_ query: IncidentQuery) async throws -> [IncidentState]
    func alerts(incidentID: Int64) async throws -> [AlertState]
    func timeline(incidentID: Int64) async throws -> [StoredTimelineEntry]
    func signals(incidentID: Int64, beforeID: Int64?, limit: Int) async throws -> [StoredSignal]
    func signal(id: Int64) async throws -> StoredSignal?
    func payload(id: Int64) async throws -> RawPayload?
    func changes(services: [String], from: Timestamp, to: Timestamp, limit: Int) async throws -> [StoredChange]
    func counts() async throws -> StoreCounts
}

/// Filters of the incident list; ids descend, `beforeID` is the cursor.
public struct IncidentQuery: Hashable, Sendable {
    public var statuses: [IncidentStatus] = []
    public var service: String?
    public var severities: [IncidentSeverity] = []
    public var types: [IncidentType] = []
    public var since: Timestamp?
    public var until: Timestamp?
    public var text: String?
    public var beforeID: Int64?
    public var limit = 50

    public init() {}
}

/// A stored signal row: where the signal went and why, and which payload holds its bytes.
public struct StoredSignal: Hashable, Sendable {
    public var id: Int64
    public var payloadID: Int64
    public var item: Int
    public var kind: SignalKind
    public var source: SignalSource
    public var status: SignalStatus
    public var decision: Decision
    public var severity: Severity
    public var receivedAt: Timestamp
    public var at: Timestamp
    public var alertID: Int64?
    public var incidentID: Int64?
    public var fingerprint: String
    public var service: String
    public var title: String
    public var why: Why

    public init(id: Int64, payloadID: Int64, item: Int, kind: SignalKind, source: SignalSource, status: SignalStatus, decision: Decision,
                severity: Severity, receivedAt: Timestamp, at: Timestamp, alertID: Int64?, incidentID: Int64?,
                fingerprint: String, service: String, title: String, why: Why) {
        self.id = id
        self.payloadID = payloadID
        self.item = item
        self.kind = kind
        self.source = source
        self.status = status
        self.decision = decision
        self.severity = severity
        self.receivedAt = receivedAt
        self.at = at
        self.alertID = alertID
        self.incidentID = incidentID
        self.fingerprint = fingerprint
        self.service = service
        self.title = title
        self.why = why
    }
}

/// The original bytes of a request, restored.
public struct RawPayload: Hashable, Sendable {
    public var id: Int64
    public var source: SignalSource
    public var contentType: String
    public var receivedAt: Timestamp
    public var bytes: [UInt8]

    public init(id: Int64, source: SignalSource, contentType: String, receivedAt: Timestamp, bytes: [UInt8]) {
        self.id = id
        self.source = source
        self.contentType = contentType
        self.receivedAt = receivedAt
        self.bytes = bytes
    }
}

/// A timeline entry with its stored id.
public struct StoredTimelineEntry: Hashable, Sendable {
    public var id: Int64
    public var entry: TimelineEntry

    public init(id: Int64, entry: TimelineEntry) {
        self.id = id
        self.entry = entry
    }
}

/// A deploy or config change, kept as a rollback candidate.
public struct StoredChange: Hashable, Sendable {
    public var signalID: Int64
    public var service: String
    public var title: String
    public var description: String?
    public var at: Timestamp
    public var sender: String?
    public var links: [SignalLink]

    public init(signalID: Int64, service: String, title: String, description: String?, at: Timestamp, sender: String?, links: [SignalLink]) {
        self.signalID = signalID
        self.service = service
        self.title = title
        self.description = description
        self.at = at
        self.sender = sender
        self.links = links
    }
}

/// Totals for stats and metrics.
public struct StoreCounts: Hashable, Sendable {
    public var signals: Int64
    public var alerts: Int64
    public var incidents: Int64
    public var openIncidents: Int64
    public var payloadBytes: Int64
    public var originalBytes: Int64

    public init(signals: Int64, alerts: Int64, incidents: Int64, openIncidents: Int64, payloadBytes: Int64, originalBytes: Int64) {
        self.signals = signals
        self.alerts = alerts
        self.incidents = incidents
        self.openIncidents = openIncidents
        self.payloadBytes = payloadBytes
        self.originalBytes = originalBytes
    }
}
