/// Where the correlator stores every changed snapshot, and the announce stage compares it with
/// the one it replaces.
extension Correlator {
    /// Keeps `incident` in the state and the outcome, with the transitions from the snapshot
    /// it replaces (the announce stage).
    mutating func save(_ incident: IncidentState, at time: Timestamp, into outcome: inout Outcome) {
        var incident = incident
        let before = state.incidents[incident.id]
        var transitions = Announcer.transitions(from: before, to: incident, at: time)
        notify(&incident, before: before, at: time, transitions: &transitions, into: &outcome)
        outcome.transitions += transitions
        if let before, before.key == incident.key, (before.status == .closed) == (incident.status == .closed) {
            // Its place in the key index stays as it is; a new service is filed.
            state.incidents[incident.id] = incident
            if incident.status != .closed, before.services.count != incident.services.count { state.indexServices(of: incident) }
        } else {
            state.insert(incident)
        }
        outcome.record(incident)
    }

    /// Keeps `alert` live while it fires and records it in the outcome, with its transitions.
    mutating func save(_ alert: AlertState, severity: IncidentSeverity, at time: Timestamp, into outcome: inout Outcome) {
        let before = state.alerts[alert.id]
        outcome.transitions += Announcer.transitions(from: before, to: alert, severity: severity, at: time)
        let wasFiring = before?.status == .firing
        if alert.status == .firing {
            state.insertLive(alert)
            if !wasFiring || before.map(expiry(of:)) != expiry(of: alert) { scheduleExpiry(of: alert) }
        } else if let before {
            state.removeLive(before)
        }
        // Matchers read its title and severity too, which a repeat may change.
        if !rules.inhibitRules.isEmpty,
           wasFiring != (alert.status == .firing) || (wasFiring && (before?.title != alert.title || before?.severity != alert.severity)) {
            indexInhibitionSource(alert, firing: alert.status == .firing)
        }
        outcome.record(alert)
    }
}
