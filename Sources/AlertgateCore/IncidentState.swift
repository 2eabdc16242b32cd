/// An incident as the correlator and the store know it.
public struct IncidentState: Hashable, Sendable {
    public var id: Int64
    /// The correlation key that groups its signals (by default the service).
    public var key: String
    public var title: String
    public var status: IncidentStatus
    public var severity: IncidentSeverity
    public var type: IncidentType
    public var service: String
    /// Every service seen in its signals, sorted.
    public var services: [String]
    public var owner: String?
    /// Who is on call for it: a receiver or escalation name from the catalog.
    public var oncall: String?
    public var detectedBy: DetectedBy
    public var openedAt: Timestamp
    public var acknowledgedAt: Timestamp?
    public var resolvedAt: Timestamp?
    public var closedAt: Timestamp?
    /// The time of its newest signal: the correlation window runs from here.
    public var lastActivity: Timestamp
    public var signalCount: Int64
    public var alertCount: Int64
    public var reportCount: Int64
    /// Whether a person changed severity or type; classification then leaves them alone.
    public var classifiedByHand: Bool
    /// Set while an alert of it flaps and none fires: it resolves at this time unless an
    /// alert fires again (the flapping hold-down).
    public var holdUntil: Timestamp?
    /// The worst severity its signals asked for, before its scope raised it (`severity`).
    public var ruleSeverity: IncidentSeverity
    /// The labels of the signal that opened it: what routes' label matchers read.
    public var labels: [String: String]
    /// Escalation steps taken since it opened or reopened (across the policy's repeats).
    public var escalationStep: Int
    /// When the last step was taken, or when it reopened (the next step counts from here).
    public var escalatedAt: Timestamp?

    public init(
        id: Int64, key: String, title: String, status: IncidentStatus, severity: IncidentSeverity,
        type: IncidentType, service: String, services: [String], owner: String?, detectedBy: DetectedBy,
        openedAt: Timestamp, acknowledgedAt: Timestamp? = nil, resolvedAt: Timestamp? = nil,
        closedAt: Timestamp? = nil, lastActivity: Timestamp, signalCount: Int64, alertCount: Int64,
        reportCount: Int64, classifiedByHand: Bool = false, oncall: String? = nil, ruleSeverity: IncidentSeverity? = nil, holdUntil: Timestamp? = nil,
        labels: [String: String] = [:], escalationStep: Int = 0, escalatedAt: Timestamp? = nil
    ) {
        self.labels = labels
        self.escalationStep = escalationStep
        self.escalatedAt = escalatedAt
        self.id = id
        self.key = key
        self.title = title
        self.status = status
        self.severity = severity
        self.type = type
        self.service = service
        self.services = services
        self.owner = owner
        self.detectedBy = detectedBy
        self.openedAt = openedAt
        self.acknowledgedAt = acknowledgedAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.lastActivity = lastActivity
        self.signalCount = signalCount
        self.alertCount = alertCount
        self.reportCount = reportCount
        self.classifiedByHand = classifiedByHand
        self.oncall = oncall
        self.ruleSeverity = ruleSeverity ?? severity
        self.holdUntil = holdUntil
    }
}
