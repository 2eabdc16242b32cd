/// How an outcome keeps its snapshots and the decision for its signal.
extension Outcome {
    /// Keeps the newest snapshot of an alert, with the title and labels of the last that set them.
    mutating func record(_ alert: AlertChange) {
        if let index = Self.position(of: alert.id, in: alerts, { $0.id }, index: alertPositions) {
            alerts[index] = alert.replacing(alerts[index])
        } else {
            alerts.append(alert)
            Self.indexLast(of: alerts, { $0.id }, into: &alertPositions)
        }
    }

    /// Keeps the newest snapshot of an incident.
    mutating func record(_ incident: IncidentState) {
        if let index = Self.position(of: incident.id, in: incidents, { $0.id }, index: incidentPositions) {
            incidents[index] = incident
        } else {
            incidents.append(incident)
            Self.indexLast(of: incidents, { $0.id }, into: &incidentPositions)
        }
    }

    /// Most outcomes hold one or two snapshots: those are found by a scan, and the index by
    /// id (no allocation until then) is built once there are more.
    private static let scanLimit = 8

    private static func position<Snapshot>(of id: Int64, in snapshots: [Snapshot], _ key: (Snapshot) -> Int64, index: [Int64: Int]) -> Int? {
        snapshots.count <= scanLimit ? snapshots.firstIndex { key($0) == id } : index[id]
    }

    private static func indexLast<Snapshot>(of snapshots: [Snapshot], _ key: (Snapshot) -> Int64, into index: inout [Int64: Int]) {
        if snapshots.count == scanLimit + 1 {
            for (position, snapshot) in snapshots.enumerated() { index[key(snapshot)] = position }
        } else if snapshots.count > scanLimit + 1 {
            index[key(snapshots[snapshots.count - 1])] = snapshots.count - 1
        }
    }

    mutating func place(_ decision: Decision, alert: Int64?, incident: Int64?, why: Why) {
        if self.decision == nil { self.decision = decision }
        if self.why == nil { self.why = why }
        alertID = alert
        incidentID = incident
    }
}
