/// One route of the routing tree, over incidents rather than alert groups: routes are tried in
/// order and the first that matches takes the incident, unless it says `continue`, as in
/// Alertmanager. Each names receivers and which transitions it sends them.
public struct Route: Hashable, Sendable {
    /// What the config calls each transition a route may send.
    public enum Event: String, Hashable, Sendable, CaseIterable {
        case opened, escalated, acknowledged, resolved, reopened, closed
        case publicUpdate = "public_update"

        public var transition: Transition.Kind {
            switch self {
            case .opened: .incidentOpened
            case .escalated: .incidentEscalated
            case .acknowledged: .incidentAcknowledged
            case .resolved: .incidentResolved
            case .reopened: .incidentReopened
            case .closed: .incidentClosed
            case .publicUpdate: .publicUpdate
            }
        }

        /// Sent when a route does not say: every change of an active incident and its end.
        public static let defaults: Set<Event> = [.opened, .escalated, .acknowledged, .resolved, .reopened]
    }

    /// For people and the notifications API: the config's `name`, or `routes[N]`.
    public var name: String
    public var match: IncidentMatch
    public var receivers: [String]
    public var send: Set<Event>
    /// How long a new (or reopened) incident's message waits, so the alerts that join it in
    /// its first seconds go out in one message.
    public var groupWait: Duration
    /// How often the message goes out again while the incident stays open and unacknowledged;
    /// nil: never.
    public var repeatInterval: Duration?
    /// Whether later routes are tried after this one matched.
    public var `continue`: Bool

    public init(name: String, match: IncidentMatch = IncidentMatch(), receivers: [String], send: Set<Event> = Event.defaults,
                groupWait: Duration = Route.defaultGroupWait, repeatInterval: Duration? = Route.defaultRepeatInterval, continue: Bool = false) {
        self.name = name
        self.match = match
        self.receivers = receivers
        self.send = send
        self.groupWait = groupWait
        self.repeatInterval = repeatInterval
        self.continue = `continue`
    }

    /// Alertmanager's defaults.
    public static let defaultGroupWait: Duration = .seconds(30)
    public static let defaultRepeatInterval: Duration? = .seconds(4 * 3600)

    public func sends(_ kind: Transition.Kind) -> Bool {
        send.contains { $0.transition == kind }
    }
}
