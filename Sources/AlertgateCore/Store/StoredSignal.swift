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
