/// One line of an incident's timeline. Entries are written in the order the pipeline
/// decided them, so the timeline has one order.
public struct TimelineEntry: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case opened, attached, acknowledged, resolved, reopened, closed, note, update
        case alertResolved = "alert_resolved"
        case changed
        /// How a new incident was classified, and by which rules.
        case classified
        /// Its severity or type changed by rule, with the reason.
        case escalated
        /// An alert of it flaps; it stays open until quiet.
        case flapping
        /// The newest change of its service before it opened.
        case rollbackCandidate = "rollback_candidate"
        /// A change of its services that arrived while it was open.
        case possibleFix = "possible_fix"
        /// A step of its escalation policy paged its receivers.
        case paged
    }

    public var incidentID: Int64
    public var at: Timestamp
    public var kind: Kind
    public var by: String?
    public var text: String?
    public var signalID: Int64?
    public var alertID: Int64?
    /// Whether users may read it: a status update marked public. Everything else is internal.
    public var isPublic: Bool
    /// Its stored text is the title of its alert (`alertID`), ": " and `text`: the writer reads
    /// the title from the alert's row, since the correlator holds no titles (`LiveAlert`).
    public var leadsWithAlertTitle: Bool

    public init(incidentID: Int64, at: Timestamp, kind: Kind, by: String? = nil, text: String? = nil, signalID: Int64? = nil, alertID: Int64? = nil,
                isPublic: Bool = false, leadsWithAlertTitle: Bool = false) {
        self.incidentID = incidentID
        self.at = at
        self.kind = kind
        self.by = by
        self.text = text
        self.signalID = signalID
        self.alertID = alertID
        self.isPublic = isPublic
        self.leadsWithAlertTitle = leadsWithAlertTitle
    }
}
