/// An incident as the correlator and the store know it.
public struct IncidentState: Hashable, Sendable {
    public var id: Int64
    /// The correlation key that groups its signals (by default the service).
    public var key: String {
        get { names.fields.key }
        set { if newValue != names.fields.key { names = names.with { $0.key = newValue } } }
    }
    public var title: String {
        get { names.fields.title }
        set { if newValue != names.fields.title { names = names.with { $0.title = newValue } } }
    }
    public var status: IncidentStatus
    public var severity: IncidentSeverity
    public var type: IncidentType
    public var service: String {
        get { names.fields.service }
        set { if newValue != names.fields.service { names = names.with { $0.service = newValue } } }
    }
    /// Every service seen in its signals, sorted.
    public var services: [String] {
        get { names.fields.services }
        set { if newValue != names.fields.services { names = names.with { $0.services = newValue } } }
    }
    public var owner: String? {
        get { names.fields.owner }
        set { if newValue != names.fields.owner { names = names.with { $0.owner = newValue } } }
    }
    /// Who is on call for it: a receiver or escalation name from the catalog.
    public var oncall: String? {
        get { names.fields.oncall }
        set { if newValue != names.fields.oncall { names = names.with { $0.oncall = newValue } } }
    }
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
    public var labels: [String: String] {
        get { names.fields.labels }
        set { if newValue != names.fields.labels { names = names.with { $0.labels = newValue } } }
    }
    /// Escalation steps taken since it opened or reopened (across the policy's repeats).
    public var escalationStep: Int
    /// When the last step was taken, or when it reopened (the next step counts from here).
    public var escalatedAt: Timestamp?

    /// Its strings, list and labels, which change seldom (a new service, an owner once), in one
    /// immutable object: the correlator copies a snapshot several times a signal (out of its
    /// state, the one before to compare, into the outcome the writer reads), and each copy then
    /// retains one object rather than every heap string and collection. A change makes a new one.
    private var names: Names

    private final class Names: Hashable, Sendable {
        struct Fields: Hashable, Sendable {
            var key: String
            var title: String
            var service: String
            var services: [String]
            var owner: String?
            var oncall: String?
            var labels: [String: String]
        }

        let fields: Fields

        init(_ fields: Fields) {
            self.fields = fields
        }

        /// A copy with `change` made.
        func with(_ change: (inout Fields) -> Void) -> Names {
            var fields = fields
            change(&fields)
            return Names(fields)
        }

        static func == (lhs: Names, rhs: Names) -> Bool { lhs === rhs || lhs.fields == rhs.fields }

        func hash(into hasher: inout Hasher) { hasher.combine(fields) }
    }

    public init(
        id: Int64, key: String, title: String, status: IncidentStatus, severity: IncidentSeverity,
        type: IncidentType, service: String, services: [String], owner: String?, detectedBy: DetectedBy,
        openedAt: Timestamp, acknowledgedAt: Timestamp? = nil, resolvedAt: Timestamp? = nil,
        closedAt: Timestamp? = nil, lastActivity: Timestamp, signalCount: Int64, alertCount: Int64,
        reportCount: Int64, classifiedByHand: Bool = false, oncall: String? = nil, ruleSeverity: IncidentSeverity? = nil, holdUntil: Timestamp? = nil,
        labels: [String: String] = [:], escalationStep: Int = 0, escalatedAt: Timestamp? = nil
    ) {
        self.names = Names(Names.Fields(key: key, title: title, service: service, services: services, owner: owner, oncall: oncall, labels: labels))
        self.escalationStep = escalationStep
        self.escalatedAt = escalatedAt
        self.id = id
        self.status = status
        self.severity = severity
        self.type = type
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
        self.ruleSeverity = ruleSeverity ?? severity
        self.holdUntil = holdUntil
    }
}
