/// A change that matters outside the pipeline: what a notifier, the status page and metrics
/// consume. The store writes transitions in the transaction of the rows that caused them,
/// numbered in order, so a consumer resumes after a restart from the last number it handled.
public struct Transition: Hashable, Sendable {
    public enum Kind: String, CaseIterable, StoredCode, Sendable {
        case incidentOpened = "incident_opened"
        /// Its severity got worse, its type changed, or it spread to more services.
        case incidentEscalated = "incident_escalated"
        case incidentAcknowledged = "incident_acknowledged"
        case incidentResolved = "incident_resolved"
        case incidentReopened = "incident_reopened"
        case incidentClosed = "incident_closed"
        case alertFiring = "alert_firing"
        case alertResolved = "alert_resolved"
        /// A status update marked public: for the status page and receivers that ask for it.
        case publicUpdate = "public_update"
        /// A step of its escalation policy paged its receivers (nobody acknowledged yet).
        case escalationStep = "escalation_step"

        /// The stored code. Part of the stored format: never reuse one.
        public var code: Int {
            switch self {
            case .incidentOpened: 1
            case .incidentEscalated: 2
            case .incidentAcknowledged: 3
            case .incidentResolved: 4
            case .incidentReopened: 5
            case .incidentClosed: 6
            case .alertFiring: 7
            case .alertResolved: 8
            case .publicUpdate: 9
            case .escalationStep: 10
            }
        }
    }

    public var kind: Kind
    public var at: Timestamp
    public var incidentID: Int64
    /// The alert, for alert transitions.
    public var alertID: Int64?
    /// The incident's severity after the change.
    public var severity: IncidentSeverity
    /// What changed, for people: `SEV3 → SEV1`, `+payments`.
    public var detail: String?
    /// Who is told of it (the route stage, `NotificationPolicy`): stored with it, in the
    /// same transaction, as the notification outbox. Not read back with stored transitions.
    public var deliveries: [Delivery]

    public init(kind: Kind, at: Timestamp, incidentID: Int64, alertID: Int64? = nil, severity: IncidentSeverity, detail: String? = nil,
                deliveries: [Delivery] = []) {
        self.deliveries = deliveries
        self.kind = kind
        self.at = at
        self.incidentID = incidentID
        self.alertID = alertID
        self.severity = severity
        self.detail = detail
    }
}

/// A transition with its place in the store's sequence.
public struct StoredTransition: Hashable, Sendable {
    /// Ascending, never reused: consumers resume after the last one they handled.
    public var sequence: Int64
    public var transition: Transition

    public init(sequence: Int64, transition: Transition) {
        self.sequence = sequence
        self.transition = transition
    }
}
