/// Which changes are an incident's suspects (rollback candidates), and why: changes of its
/// services and of the services they depend on, from `lookback` before it opened until it
/// resolved. The newest change of the service it opened for, before it opened, is the
/// rollback candidate (as on its timeline); a change after it opened is a possible fix.
public struct SuspectChanges: Sendable {
    public let incident: IncidentState
    public let catalog: ServiceCatalog
    public let lookback: Duration

    public init(incident: IncidentState, catalog: ServiceCatalog, lookback: Duration) {
        self.incident = incident
        self.catalog = catalog
        self.lookback = lookback
    }

    /// The incident's services first, then their dependencies.
    public var services: [String] {
        let own = ownServices
        let dependencies = own.flatMap(catalog.dependencies(of:)).filter { !own.contains($0) }
        var seen: Set<String> = []
        return (own + dependencies).filter { seen.insert($0).inserted }
    }

    /// Where to look before it opened, and after (until it resolved): read apart, so that many
    /// changes after it opened never push the candidate out of a limited read.
    public var before: (from: Timestamp, to: Timestamp) { (incident.openedAt - lookback, incident.openedAt) }
    public var after: (from: Timestamp, to: Timestamp) { (incident.openedAt + .milliseconds(1), incident.resolvedAt ?? Timestamp(milliseconds: Int64.max / 2)) }

    private var ownServices: [String] { incident.services.isEmpty ? [incident.service] : incident.services }

    /// The changes as suspects, newest first, each with its reason.
    public func rank(_ changes: [StoredChange]) -> [Suspect] {
        let own = Set(ownServices)
        let sorted = changes.sorted { ($0.at, $0.signalID) > ($1.at, $1.signalID) }
        let candidate = sorted.first { $0.service == incident.service && $0.at <= incident.openedAt }?.signalID
        return sorted.map { change in
            let isBefore = change.at <= incident.openedAt
            let minutes = abs(incident.openedAt.milliseconds - change.at.milliseconds) / 60_000
            var reasons: [String] = []
            if own.contains(change.service) {
                reasons.append("same service")
            } else if let dependent = own.sorted().first(where: { catalog.dependencies(of: $0).contains(change.service) }) {
                reasons.append("dependency of \(dependent)")
            }
            reasons.append(isBefore ? "\(minutes) min before the first signal" : "\(minutes) min after the incident opened")
            return Suspect(change: change, why: reasons.joined(separator: ", "), minutesBefore: isBefore ? minutes : -minutes,
                           rollbackCandidate: change.signalID == candidate, possibleFix: !isBefore)
        }
    }

    public struct Suspect: Hashable, Sendable {
        public var change: StoredChange
        public var why: String
        /// Negative for a change after the incident opened.
        public var minutesBefore: Int64
        public var rollbackCandidate: Bool
        public var possibleFix: Bool
    }
}
