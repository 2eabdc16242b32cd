/// The route stage, after announce: who hears of each transition (`NotificationPolicy`), and
/// the escalation policy's steps while an incident stays open and unacknowledged. Both run on
/// the snapshot being saved, so the deliveries are stored in the transaction of the change.
extension Correlator {
    /// Routes `transitions` and takes the incident's escalation step when one is due.
    mutating func notify(_ incident: inout IncidentState, before: IncidentState?, at time: Timestamp,
                         transitions: inout [Transition], into outcome: inout Outcome) {
        if let before, before.status != .open, incident.status == .open {
            // Reopened: its escalation starts over.
            incident.escalationStep = 0
            incident.escalatedAt = time
        }
        // Without receivers there is no one to page or tell: the ingest path pays nothing more.
        guard !notifications.isEmpty else { return }
        if incident.status == .open, let policy = notifications.escalation(for: incident), !policy.steps.isEmpty {
            let due = policy.due(step: incident.escalationStep, lastAt: incident.escalatedAt ?? incident.openedAt)
            if due <= time { transitions.append(takeStep(of: policy, for: &incident, at: time, into: &outcome)) }
        }
        guard !notifications.routes.isEmpty else { return }
        for index in transitions.indices where transitions[index].kind != .escalationStep {
            transitions[index].deliveries = notifications.deliveries(for: transitions[index], incident: incident)
        }
    }

    /// Pages the receivers of the policy's next step: a transition with a delivery to each,
    /// and a `paged` timeline entry.
    private mutating func takeStep(of policy: EscalationPolicy, for incident: inout IncidentState, at time: Timestamp,
                                   into outcome: inout Outcome) -> Transition {
        let index = incident.escalationStep % policy.steps.count
        let round = incident.escalationStep / policy.steps.count
        let step = policy.steps[index]
        incident.escalationStep += 1
        incident.escalatedAt = time
        let receivers = step.notify.joined(separator: ", ")
        let detail = "step \(index + 1) of \(policy.steps.count) of \(policy.name)\(round > 0 ? " (repeat \(round))" : ""): \(receivers)"
        outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .paged,
                                              text: "Paged \(receivers): \(detail), not acknowledged."))
        let route = "escalation \(policy.name)"
        return Transition(kind: .escalationStep, at: time, incidentID: incident.id, severity: incident.severity, detail: detail,
                          deliveries: step.notify.map { Delivery(receiver: $0, route: route, dueAt: time) })
    }

    /// From the expiry pass: the open incidents whose next step is due by `now`, one step each.
    mutating func takeDueEscalationSteps(now: Timestamp, into outcome: inout Outcome) {
        guard !notifications.isEmpty else { return }
        let due = state.incidents.values.filter { incident in
            guard incident.status == .open, let policy = notifications.escalation(for: incident), !policy.steps.isEmpty else { return false }
            return policy.due(step: incident.escalationStep, lastAt: incident.escalatedAt ?? incident.openedAt) <= now
        }.sorted { $0.id < $1.id }
        for incident in due { save(incident, at: now, into: &outcome) }
    }
}
