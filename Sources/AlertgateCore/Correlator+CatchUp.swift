/// Where a correlator that shares its database with other gateways takes what they wrote
/// (`WriterTurns`): their rows replace what it holds of the same alerts and incidents.
extension Correlator {
    /// Takes the rows other gateways wrote: an incident not closed is held (a closed one
    /// forgotten), a firing alert held live with its expiry (one that stopped firing let go),
    /// and the next ids move past theirs. What it remembers beyond the rows (thresholds
    /// pending, flap history, recent changes) stays its own.
    public mutating func apply(_ changes: StateChanges) {
        for incident in changes.incidents {
            state.forget(incidentID: incident.id)
            if incident.status != .closed { state.insert(incident) }
        }
        for alert in changes.alerts {
            if let held = state.alerts[alert.id] { state.removeLive(held) }
            memory.inhibitSourcesToReindex.remove(alert.id)
            guard alert.status == .firing else {
                removeInhibitionSource(alert.id)
                continue
            }
            state.insertLive(alert.live)
            scheduleExpiry(of: alert.live)
            if !rules.inhibitRules.isEmpty { indexInhibitionSource(alert.id, alert) }
        }
        state.moveIDs(past: changes)
    }
}

extension CorrelatorState {
    /// Ids given from here on come after the highest ones in `changes`.
    mutating func moveIDs(past changes: StateChanges) {
        nextSignalID = max(nextSignalID, changes.lastSignalID + 1)
        nextAlertID = max(nextAlertID, changes.lastAlertID + 1)
        nextIncidentID = max(nextIncidentID, changes.lastIncidentID + 1)
    }
}
