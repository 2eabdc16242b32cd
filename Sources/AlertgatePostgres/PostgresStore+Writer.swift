import AlertgateCore
import AlertgateStorage
import NIOCore
import PostgresNIO

/// The pipeline's side of the PostgreSQL store: the correlator's state to start from, and one
/// transaction per batch, writing what `BatchWriter` writes into SQLite, in the same order and
/// with the same rules (an alert's row inserted once and then updated; its open run of folded
/// repeats in its row; an incident upserted; transitions with their outbox rows).
extension PostgresStore: StoreWriter {
    public func loadCorrelatorState(now: Timestamp, reopenWindow: Duration, keys: Set<String>?) async throws -> CorrelatorState {
        let horizon = (now - reopenWindow).milliseconds
        var incidents = try await incidentRows("""
            SELECT * FROM incidents
            WHERE status IN (1, 2) OR (status = 3 AND resolved_at >= \(horizon))
               OR id IN (SELECT incident_id FROM alerts WHERE status = 1)
            """)
        var alerts = try await alertRows("SELECT * FROM alerts WHERE status = 1")
        if let keys {
            incidents.removeAll { !keys.contains($0.key) }
            let kept = Set(incidents.map(\.id))
            alerts.removeAll { !kept.contains($0.incidentID) }
        }
        let last = try await lastIDs()
        return CorrelatorState(alerts: alerts, incidents: incidents, lastSignalID: last.signal, lastAlertID: last.alert,
                               lastIncidentID: last.incident)
    }

    /// The highest signal, alert and incident ids given.
    func lastIDs() async throws -> (signal: Int64, alert: Int64, incident: Int64) {
        let rows = try await client.query("""
            SELECT (SELECT coalesce(max(id), 0) FROM signals), (SELECT coalesce(max(id), 0) FROM alerts),
                   (SELECT coalesce(max(id), 0) FROM incidents)
            """, logger: logger)
        var last = (signal: Int64(0), alert: Int64(0), incident: Int64(0))
        for try await (signal, alert, incident) in rows.decode((Int64, Int64, Int64).self) { last = (signal, alert, incident) }
        return last
    }

    public func loadIncident(id: Int64) async throws -> (incident: IncidentState, firingAlerts: [AlertState])? {
        guard let incident = try await incidentRows("SELECT * FROM incidents WHERE id = \(id)").first else { return nil }
        return (incident, try await alertRows("SELECT * FROM alerts WHERE incident_id = \(id) AND status = 1 ORDER BY id"))
    }

    public func firingAlertRows(after: Int64, limit: Int) async throws -> [AlertState] {
        try await alertRows("SELECT * FROM alerts WHERE status = 1 AND id > \(after) ORDER BY id LIMIT \(limit)")
    }

    public func firingAlertRows(ids: [Int64]) async throws -> [AlertState] {
        try await alertRows("SELECT * FROM alerts WHERE status = 1 AND id = ANY(\(ids.sorted())) ORDER BY id")
    }

    public func preparePayload(_ bytes: [UInt8], key: String, source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        payloadCompressor.compress(bytes, key: key, source: source, contentType: contentType, receivedAt: receivedAt)
    }

    public func commit(_ batch: StoreBatch) async throws {
        guard !batch.isEmpty else { return }
        let observers: [(any StoredPayload.CommitObserver, Int64)]
        do {
            let version: Int64
            (observers, version) = try await inTransaction { connection in
                try await fence(on: connection)
                let written = try await PostgresBatchWriter(connection: connection, logger: logger).write(batch)
                return (written.observers, try await log(written, on: connection))
            }
            committed(version: version)
        } catch {
            committed(version: nil)
            throw error
        }
        for (observer, id) in observers { observer.payloadCommitted(id: id) }
    }
}
