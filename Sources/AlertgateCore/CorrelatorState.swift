/// Everything the correlator remembers: live alerts, incidents that may still take signals,
/// and the next ids. The store can rebuild it from its rows (`init(alerts:incidents:...)`).
public struct CorrelatorState: Hashable, Sendable {
    /// Firing alerts by id.
    public internal(set) var alerts = LiveAlerts()
    /// Incidents that may still take signals: active ones, resolved ones within the reopen
    /// window, and any a command brought back in.
    public internal(set) var incidents: [Int64: IncidentState] = [:]
    public internal(set) var nextSignalID: Int64
    public internal(set) var nextAlertID: Int64
    public internal(set) var nextIncidentID: Int64

    var alertByFingerprint: [Fingerprint: Int64] = [:]
    /// Ids of the incidents that are not closed, by correlation key (see `incident(forKey:)`).
    var incidentsByKey: [String: Set<Int64>] = [:]
    var firingByIncident: [Int64: Set<Int64>] = [:]
    /// Ids of the incidents that are not closed, by each service they hold: where the
    /// dependency join looks, instead of at every incident.
    var incidentsByService: [String: Set<Int64>] = [:]

    public init(nextSignalID: Int64 = 1, nextAlertID: Int64 = 1, nextIncidentID: Int64 = 1) {
        self.nextSignalID = nextSignalID
        self.nextAlertID = nextAlertID
        self.nextIncidentID = nextIncidentID
    }

    /// Rebuilds the state from stored rows: the firing alerts, the incidents that may still
    /// take signals, and the highest ids given so far.
    public init(alerts: [AlertState], incidents: [IncidentState], lastSignalID: Int64, lastAlertID: Int64, lastIncidentID: Int64) {
        self.init(liveAlerts: alerts.lazy.filter { $0.status == .firing }.map(LiveAlert.init), incidents: incidents,
                  lastSignalID: lastSignalID, lastAlertID: lastAlertID, lastIncidentID: lastIncidentID)
    }

    /// The same, from firing alerts as a correlator holds them.
    public init(liveAlerts: some Sequence<LiveAlert>, incidents: [IncidentState], lastSignalID: Int64, lastAlertID: Int64, lastIncidentID: Int64) {
        self.init(nextSignalID: lastSignalID + 1, nextAlertID: lastAlertID + 1, nextIncidentID: lastIncidentID + 1)
        for incident in incidents.sorted(by: { $0.id < $1.id }) {
            insert(incident)
        }
        for alert in liveAlerts where alert.status == .firing {
            insertLive(alert)
        }
    }

    /// The number of firing alerts of an incident.
    public func firingAlertCount(incidentID: Int64) -> Int {
        firingByIncident[incidentID]?.count ?? 0
    }

    /// The live alert with this fingerprint, if one fires.
    public func liveAlert(_ fingerprint: Fingerprint) -> LiveAlert? {
        alertByFingerprint[fingerprint].flatMap { alerts[$0] }
    }

    /// The incident a new alert of `key` may join: an active one before a resolved one; the
    /// newest active one, else the one resolved last. It depends only on the incidents held,
    /// not on the order they were touched in, so a state rebuilt from rows answers the same.
    ///
    /// A key mostly holds one incident, which is then the answer without a comparison. (A loop,
    /// not `lazy.compactMap(...).max`: its closure captured `self`, a copy of the state into a
    /// box on the heap with a retain of each of its collections, at every new alert.)
    func incident(forKey key: String) -> IncidentState? {
        guard let ids = incidentsByKey[key] else { return nil }
        if ids.count == 1, let id = ids.first { return incidents[id] }
        var best: IncidentState?
        for id in ids {
            guard let candidate = incidents[id] else { continue }
            if let current = best, !Self.joinsBefore(candidate, current) { continue }
            best = candidate
        }
        return best
    }

    /// Whether a new alert of their key joins `a` rather than `b` (distinct incidents): an active
    /// one before a resolved one, the newest active one, else the one resolved last.
    private static func joinsBefore(_ a: IncidentState, _ b: IncidentState) -> Bool {
        if a.status.isActive != b.status.isActive { return a.status.isActive }
        if a.status.isActive { return a.id > b.id }
        return (a.resolvedAt ?? a.lastActivity, a.id) > (b.resolvedAt ?? b.lastActivity, b.id)
    }

    mutating func insert(_ incident: IncidentState) {
        incidents[incident.id] = incident
        if incident.status == .closed {
            removeFromKey(incident)
        } else {
            incidentsByKey[incident.key, default: []].insert(incident.id)
            indexServices(of: incident)
        }
    }

    /// Files a not-closed incident under each of its services (services are only added).
    mutating func indexServices(of incident: IncidentState) {
        for service in incident.services + [incident.service] {
            incidentsByService[service, default: []].insert(incident.id)
        }
    }

    /// The not-closed incidents that hold `service`.
    func incidents(holding service: String) -> Set<Int64> {
        incidentsByService[service] ?? []
    }

    mutating func insertLive(_ alert: LiveAlert) {
        alerts[alert.id] = alert
        alertByFingerprint[alert.fingerprint] = alert.id
        firingByIncident[alert.incidentID, default: []].insert(alert.id)
    }

    mutating func removeLive(_ alert: LiveAlert) {
        alerts[alert.id] = nil
        if alertByFingerprint[alert.fingerprint] == alert.id { alertByFingerprint[alert.fingerprint] = nil }
        firingByIncident[alert.incidentID]?.remove(alert.id)
        if firingByIncident[alert.incidentID]?.isEmpty == true { firingByIncident[alert.incidentID] = nil }
    }

    mutating func forget(incidentID: Int64) {
        guard let incident = incidents.removeValue(forKey: incidentID) else { return }
        removeFromKey(incident)
    }

    private mutating func removeFromKey(_ incident: IncidentState) {
        incidentsByKey[incident.key]?.remove(incident.id)
        if incidentsByKey[incident.key]?.isEmpty == true { incidentsByKey[incident.key] = nil }
        for service in incident.services + [incident.service] {
            incidentsByService[service]?.remove(incident.id)
            if incidentsByService[service]?.isEmpty == true { incidentsByService[service] = nil }
        }
    }

    mutating func takeSignalID() -> Int64 {
        defer { nextSignalID += 1 }
        return nextSignalID
    }

    /// Hands back the id just taken, for a signal that is not stored as a row (a folded
    /// repeat): ids of stored signals stay without gaps.
    mutating func returnSignalID(_ id: Int64) {
        if id == nextSignalID - 1 { nextSignalID = id }
    }

    mutating func takeAlertID() -> Int64 {
        defer { nextAlertID += 1 }
        return nextAlertID
    }

    mutating func takeIncidentID() -> Int64 {
        defer { nextIncidentID += 1 }
        return nextIncidentID
    }
}
