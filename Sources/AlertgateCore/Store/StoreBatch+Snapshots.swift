extension StoreBatch {
    /// The newest snapshot of an incident written by this batch so far, if any.
    public func latestSnapshot(ofIncident id: Int64) -> IncidentState? {
        for entry in entries.reversed() {
            let outcomes: [Outcome]
            switch entry {
            case .ingest(let record): outcomes = record.signals.map(\.outcome).reversed()
            case .outcome(let outcome): outcomes = [outcome]
            }
            for outcome in outcomes {
                if let incident = outcome.incidents.last(where: { $0.id == id }) { return incident }
            }
        }
        return nil
    }
}
