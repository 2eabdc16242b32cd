/// The announce stage: the transitions between two snapshots of an incident or an alert.
/// The correlator asks it each time it stores a changed snapshot, so every change is
/// announced once, in the order it was made.
public enum Announcer {
    /// `before` is nil for a new incident.
    public static func transitions(from before: IncidentState?, to after: IncidentState, at time: Timestamp) -> [Transition] {
        func transition(_ kind: Transition.Kind, _ detail: String? = nil) -> Transition {
            Transition(kind: kind, at: time, incidentID: after.id, severity: after.severity, detail: detail)
        }
        guard let before else { return [transition(.incidentOpened)] }
        // Most snapshots (a repeat, one more alert) change none of what is announced.
        let worse = after.severity < before.severity
        let spread = after.services.count > before.services.count
        // A stronger type (degradation → outage) escalates; a person's change to a weaker one
        // does not.
        let retyped = after.type != before.type && Classifier.stronger(after.type, before.type) == after.type
        guard before.status != after.status || (after.status.isActive && (worse || spread || retyped)) else { return [] }
        var transitions: [Transition] = []
        if before.status != after.status {
            switch after.status {
            case .open: transitions.append(transition(.incidentReopened))
            case .acknowledged: transitions.append(transition(.incidentAcknowledged))
            case .resolved: transitions.append(transition(.incidentResolved))
            case .closed: transitions.append(transition(.incidentClosed))
            }
        }
        if after.status.isActive, worse || spread || retyped {
            var changes: [String] = []
            if worse { changes.append("\(before.severity.rawValue) → \(after.severity.rawValue)") }
            if retyped { changes.append("\(before.type.rawValue) → \(after.type.rawValue)") }
            // Services are only ever added to an incident.
            let added = after.services.filter { !before.services.contains($0) }
            if !added.isEmpty { changes.append(added.map { "+\($0)" }.joined(separator: " ")) }
            transitions.append(transition(.incidentEscalated, changes.joined(separator: ", ")))
        }
        return transitions
    }

    /// `before` is nil for a new alert; `incident` is the alert's incident as it is now.
    public static func transitions(from before: LiveAlert?, to after: LiveAlert, severity: IncidentSeverity, at time: Timestamp) -> [Transition] {
        let wasFiring = before?.status == .firing
        let isFiring = after.status == .firing
        guard wasFiring != isFiring else { return [] }
        return [Transition(kind: isFiring ? .alertFiring : .alertResolved, at: time, incidentID: after.incidentID, alertID: after.id, severity: severity)]
    }
}
