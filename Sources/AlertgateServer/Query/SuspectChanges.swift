import AlertgateCore

/// Which changes are an incident's suspects (rollback candidates), and why: changes of its
/// services and of the services they depend on, from `lookback` before it opened until it
/// resolved. The newest change of its own service before it opened is the rollback
/// candidate; a change after it opened and before it resolved is a possible fix.
struct SuspectChanges {
    let incident: IncidentState
    let catalog: ServiceCatalog
    let lookback: Duration

    /// The incident's services first, then their dependencies.
    var services: [String] {
        let own = incident.services.isEmpty ? [incident.service] : incident.services
        let dependencies = own.flatMap(catalog.dependencies(of:)).filter { !own.contains($0) }
        var seen: Set<String> = []
        return (own + dependencies).filter { seen.insert($0).inserted }
    }

    var from: Timestamp { incident.openedAt - lookback }
    var to: Timestamp { incident.resolvedAt ?? Timestamp(milliseconds: Int64.max / 2) }

    /// The changes as suspects, newest first, each with its reason.
    func rank(_ changes: [StoredChange]) -> [Suspect] {
        let own = Set(incident.services.isEmpty ? [incident.service] : incident.services)
        let sorted = changes.sorted { ($0.at, $0.signalID) > ($1.at, $1.signalID) }
        let candidate = sorted.first { own.contains($0.service) && $0.at <= incident.openedAt }?.signalID
        return sorted.map { change in
            let before = change.at <= incident.openedAt
            let minutes = abs(incident.openedAt.milliseconds - change.at.milliseconds) / 60_000
            var reasons: [String] = []
            if own.contains(change.service) {
                reasons.append("same service")
            } else if let dependent = own.sorted().first(where: { catalog.dependencies(of: $0).contains(change.service) }) {
                reasons.append("dependency of \(dependent)")
            }
            reasons.append(before ? "\(minutes) min before the first signal" : "\(minutes) min after the incident opened")
            return Suspect(change: change, why: reasons.joined(separator: ", "), minutesBefore: before ? minutes : -minutes,
                           rollbackCandidate: change.signalID == candidate, possibleFix: !before)
        }
    }

    struct Suspect {
        var change: StoredChange
        var why: String
        var minutesBefore: Int64
        var rollbackCandidate: Bool
        var possibleFix: Bool
    }
}
