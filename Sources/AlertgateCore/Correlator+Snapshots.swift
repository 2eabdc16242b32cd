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

    /// Keeps a new alert live while it fires and records it whole in the outcome, with its
    /// transitions. `signal` made it: inhibition matchers read its labels.
    mutating func save(new alert: AlertState, from signal: Signal, severity: IncidentSeverity, at time: Timestamp, into outcome: inout Outcome) {
        save(LiveAlert(alert), title: alert.title, labels: alert.packedLabels, from: signal, severity: severity, at: time, into: &outcome)
    }

    /// Keeps `alert` live while it fires and records it in the outcome, with its transitions.
    /// `title` and `labels`: what this outcome set of them, for the writer (nil: unchanged).
    /// `signal`: the signal it took, if any, through which inhibition matchers see it.
    mutating func save(_ alert: LiveAlert, title: String? = nil, labels: PackedLabels? = nil, from signal: Signal? = nil,
                       severity: IncidentSeverity, at time: Timestamp, into outcome: inout Outcome) {
        let before = state.alerts[alert.id]
        outcome.transitions += Announcer.transitions(from: before, to: alert, severity: severity, at: time)
        let wasFiring = before?.status == .firing
        if alert.status == .firing {
            state.insertLive(alert)
            if !wasFiring || before.map(expiry(of:)) != expiry(of: alert) { scheduleExpiry(of: alert) }
        } else if let before {
            state.removeLive(before)
        }
        // Matchers read its title and severity too, which a repeat may change. Only a signal
        // sets either, or makes an alert fire.
        if !rules.inhibitRules.isEmpty,
           wasFiring != (alert.status == .firing) || (wasFiring && (before?.titleDigest != alert.titleDigest || before?.severity != alert.severity)) {
            if alert.status == .firing, let signal {
                // A repeat with other labels than the alert's cannot stand in for them: its row is read.
                if !wasFiring || alert.labelsDigest == LiveAlert.digest(labels: signal.labels) {
                    indexInhibitionSource(alert.id, LiveAlertMatch(alert: alert, signal: signal))
                } else {
                    memory.inhibitSourcesToReindex.insert(alert.id)
                }
            } else {
                removeInhibitionSource(alert.id)
                memory.inhibitSourcesToReindex.remove(alert.id)
            }
        }
        outcome.record(AlertChange(alert, title: title, labels: labels))
    }
}
