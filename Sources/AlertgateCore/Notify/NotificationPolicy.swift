/// The notification part of the `Policy`: receivers, the routing tree and escalation policies.
/// The route stage (`deliveries(for:incident:)`) runs in the correlator, for every transition
/// it announces, so each delivery is stored in the transaction that made its transition.
public struct NotificationPolicy: Hashable, Sendable {
    public var receivers: [String: Receiver] = [:]
    public var routes: [Route] = []
    public var escalations: [EscalationPolicy] = []

    public init(receivers: [Receiver] = [], routes: [Route] = [], escalations: [EscalationPolicy] = []) {
        for receiver in receivers { self.receivers[receiver.name] = receiver }
        self.routes = routes
        self.escalations = escalations
    }

    public var isEmpty: Bool { receivers.isEmpty }

    /// The deliveries of one transition: each matching route's receivers (the first route that
    /// matches, and the ones after it while a matching route says `continue`), each receiver
    /// once. A new or reopened incident's message waits its route's group wait.
    public func deliveries(for transition: Transition, incident: IncidentState) -> [Delivery] {
        guard !routes.isEmpty, transition.kind != .alertFiring, transition.kind != .alertResolved else { return [] }
        var deliveries: [Delivery] = []
        for route in routes where route.match.matches(incident) {
            if route.sends(transition.kind) {
                let waits = transition.kind == .incidentOpened || transition.kind == .incidentReopened
                for receiver in route.receivers where !deliveries.contains(where: { $0.receiver == receiver }) {
                    deliveries.append(Delivery(receiver: receiver, route: route.name,
                                               dueAt: waits ? transition.at + route.groupWait : transition.at,
                                               repeatInterval: route.repeatInterval))
                }
            }
            if !route.continue { break }
        }
        return deliveries
    }

    /// The escalation policy that pages for an incident: the one its on-call names; else its
    /// team's, with an on-call receiver added to step one; else the on-call receiver alone.
    public func escalation(for incident: IncidentState) -> EscalationPolicy? {
        let oncall = incident.oncall
        if let oncall, let named = escalations.first(where: { $0.name == oncall }) {
            return named.match.matches(incident) ? named : nil
        }
        let oncallReceiver = oncall.flatMap { receivers[$0] == nil ? nil : $0 }
        if let owner = incident.owner, var team = escalations.first(where: { $0.team == owner }), team.match.matches(incident) {
            if let oncallReceiver, !team.steps[0].notify.contains(oncallReceiver) { team.steps[0].notify.insert(oncallReceiver, at: 0) }
            return team
        }
        guard let oncallReceiver else { return nil }
        return EscalationPolicy(name: oncallReceiver, steps: [.init(notify: [oncallReceiver], after: .zero)])
    }
}

/// One message to send: a receiver, the route or escalation step that chose it, and when.
public struct Delivery: Hashable, Sendable {
    public var receiver: String
    /// The route's name, or `escalation NAME`.
    public var route: String
    public var dueAt: Timestamp
    /// For route deliveries: sent again this often while the incident stays open and
    /// unacknowledged.
    public var repeatInterval: Duration?

    public init(receiver: String, route: String, dueAt: Timestamp, repeatInterval: Duration? = nil) {
        self.receiver = receiver
        self.route = route
        self.dueAt = dueAt
        self.repeatInterval = repeatInterval
    }
}
