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
        let rows = try await client.query("""
            SELECT (SELECT coalesce(max(id), 0) FROM signals), (SELECT coalesce(max(id), 0) FROM alerts),
                   (SELECT coalesce(max(id), 0) FROM incidents)
            """, logger: logger)
        var last = (signal: Int64(0), alert: Int64(0), incident: Int64(0))
        for try await (signal, alert, incident) in rows.decode((Int64, Int64, Int64).self) { last = (signal, alert, incident) }
        return CorrelatorState(alerts: alerts, incidents: incidents, lastSignalID: last.signal, lastAlertID: last.alert,
                               lastIncidentID: last.incident)
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
        let observers = try await inTransaction { connection in
            try await fence(on: connection)
            return try await PostgresBatchWriter(connection: connection, logger: logger).write(batch)
        }
        for (observer, id) in observers { observer.payloadCommitted(id: id) }
    }
}

/// Writes one batch on a connection inside its transaction.
struct PostgresBatchWriter {
    let connection: PostgresConnection
    let logger: Logger

    private func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }

    private func id(_ query: PostgresQuery) async throws -> Int64 {
        for try await id in try await connection.query(query, logger: logger).decode(Int64.self) { return id }
        throw StoreError.incompleteBatch("an insert returned no id")
    }

    func write(_ batch: StoreBatch) async throws -> [(any StoredPayload.CommitObserver, Int64)] {
        var observers: [(any StoredPayload.CommitObserver, Int64)] = []
        var alerts = LatestByID<AlertChange>()
        var incidents = LatestByID<IncidentState>()
        var timeline: [TimelineEntry] = []
        var transitions: [Transition] = []
        var runs = FoldedRuns()
        let firstNewAlertID = try await id("SELECT coalesce(max(id), 0) + 1 FROM alerts")
        func collect(_ outcome: Outcome) {
            for alert in outcome.alerts { alerts.set(alert, id: alert.id) { $0.replacing($1) } }
            for incident in outcome.incidents { incidents.set(incident, id: incident.id) }
            timeline.append(contentsOf: outcome.timeline)
            transitions.append(contentsOf: outcome.transitions)
        }
        for entry in batch.entries {
            guard case .ingest(let record) = entry else {
                if case .outcome(let outcome) = entry { collect(outcome) }
                continue
            }
            let payload = record.payload
            let payloadID = try await id("""
                INSERT INTO payloads (received_at, source, content_type, encoding, size, data, dictionary_id)
                VALUES (\(payload.receivedAt.milliseconds), \(payload.source.code), \(payload.contentType), \(payload.encoding.rawValue),
                        \(payload.originalSize), \(ByteBuffer(bytes: payload.bytes)), \(payload.dictionaryID))
                RETURNING id
                """)
            if let observer = payload.commitObserver { observers.append((observer, payloadID)) }
            for placed in record.signals {
                collect(placed.outcome)
                if let fold = placed.outcome.fold {
                    runs.add(fold, payloadID: payloadID)
                    continue
                }
                try await insert(placed, payloadID: payloadID)
            }
        }
        try await writeAlerts(alerts.sorted(by: { $0.id }), firstNewID: firstNewAlertID, runs: runs)
        try await writeRuns(runs, exceptOpenRunsOf: alerts.sorted(by: { $0.id }))
        for incident in incidents.sorted(by: { $0.id }) { try await upsert(incident) }
        for entry in timeline { try await insert(entry) }
        for transition in transitions { try await insert(transition) }
        return observers
    }

    /// A placed signal's row, in full, and its change row for a change.
    private func insert(_ placed: PlacedSignal, payloadID: Int64) async throws {
        guard let signalID = placed.outcome.signalID, let decision = placed.outcome.decision, let why = placed.outcome.why else { return }
        let signal = placed.signal
        try await run("""
            INSERT INTO signals (id, payload_id, item, kind, source, status, decision, severity, received_at, at,
                                 alert_id, incident_id, fingerprint, service, title, why)
            VALUES (\(signalID), \(payloadID), \(placed.item), \(signal.kind.code), \(signal.source.code), \(signal.status.code),
                    \(decision.code), \(signal.severity.code), \(placed.receivedAt.milliseconds), \(placed.outcome.effectiveTime.milliseconds),
                    \(placed.outcome.alertID), \(placed.outcome.incidentID), \(placed.outcome.fingerprint?.value ?? ""), \(signal.service),
                    \(signal.title), \(JSONText.encode(why)))
            """)
        if signal.kind == .change {
            try await run("""
                INSERT INTO changes (signal_id, service, title, description, at, sender, links)
                VALUES (\(signalID), \(signal.service), \(signal.title), \(signal.description), \(placed.outcome.effectiveTime.milliseconds),
                        \(signal.sender), \(JSONText.encode(signal.links)))
                """)
        }
    }

    /// Alerts ascending by id: from `firstNewID` on inserted with their labels and title, older
    /// ones updated (the title only when the change carries one: a row holds the current title,
    /// where SQLite's keeps the first and the current apart, v13). The open run of folded repeats
    /// is the row's: the batch's part of it is added when it is the same run, or starts it
    /// afresh (the trigger `alerts_run_closes` moves the one that ended to `alert_runs`).
    private func writeAlerts(_ alerts: [AlertChange], firstNewID: Int64, runs: FoldedRuns) async throws {
        for alert in alerts {
            let openRun = alert.runStartedAt.flatMap { runs.run(alertID: alert.id, startedAt: $0) }
            let runStartedAt = alert.runStartedAt?.milliseconds
            let runCount = openRun?.count ?? 0
            if alert.id < firstNewID {
                let updated = try await id("""
                    WITH updated AS (
                        UPDATE alerts SET status = \(alert.status.code), title = coalesce(\(alert.title)::text, title), severity = \(alert.severity.code),
                            first_seen = \(alert.firstSeen.milliseconds), last_seen = \(alert.lastSeen.milliseconds),
                            resolved_at = \(alert.resolvedAt?.milliseconds), count = \(alert.count), ends_at = \(alert.endsAt?.milliseconds),
                            flapping = \(alert.flapping), digest = \(Int64(bitPattern: alert.digest)),
                            run_count = CASE WHEN run_started_at IS NOT DISTINCT FROM \(runStartedAt)::bigint THEN run_count + \(runCount) ELSE \(runCount) END,
                            run_first_payload_id = CASE WHEN run_started_at IS NOT DISTINCT FROM \(runStartedAt)::bigint AND run_count > 0
                                THEN run_first_payload_id ELSE \(openRun?.firstPayloadID)::bigint END,
                            run_last_payload_id = CASE WHEN \(runCount)::bigint > 0 THEN \(openRun?.lastPayloadID)::bigint
                                WHEN run_started_at IS NOT DISTINCT FROM \(runStartedAt)::bigint THEN run_last_payload_id END,
                            run_started_at = \(runStartedAt), run_last_at = \(alert.runLastAt?.milliseconds)
                        WHERE id = \(alert.id) RETURNING 1
                    ) SELECT count(*) FROM updated
                    """)
                if updated > 0 { continue }
            }
            guard let latestTitle = alert.title, let labels = alert.packedLabels else {
                throw StoreError.incompleteBatch("alert \(alert.id) is new but its change carries no title and labels")
            }
            try await run("""
                INSERT INTO alerts (id, fingerprint, incident_id, status, kind, service, title, severity, labels, first_seen, last_seen,
                                    resolved_at, count, ends_at, flapping, digest, run_started_at, run_last_at, run_count,
                                    run_first_payload_id, run_last_payload_id)
                VALUES (\(alert.id), \(alert.fingerprint.value), \(alert.incidentID), \(alert.status.code), \(alert.kind.code), \(alert.service),
                        \(latestTitle), \(alert.severity.code), \(JSONText.encode(labels)), \(alert.firstSeen.milliseconds),
                        \(alert.lastSeen.milliseconds), \(alert.resolvedAt?.milliseconds), \(alert.count), \(alert.endsAt?.milliseconds),
                        \(alert.flapping), \(Int64(bitPattern: alert.digest)), \(runStartedAt), \(alert.runLastAt?.milliseconds), \(runCount),
                        \(openRun?.firstPayloadID), \(openRun?.lastPayloadID))
                """)
        }
    }

    /// Folded repeats of runs that ended within the batch: one upsert per run.
    private func writeRuns(_ runs: FoldedRuns, exceptOpenRunsOf alerts: [AlertChange]) async throws {
        guard !runs.isEmpty else { return }
        var openRuns: [Int64: Timestamp] = [:]
        for alert in alerts { if let started = alert.runStartedAt { openRuns[alert.id] = started } }
        for run in runs.inOrder where openRuns[run.alertID] != run.startedAt {
            try await self.run("""
                INSERT INTO alert_runs (alert_id, started_at, last_at, count, first_payload_id, last_payload_id)
                VALUES (\(run.alertID), \(run.startedAt.milliseconds), \(run.lastAt.milliseconds), \(run.count), \(run.firstPayloadID),
                        \(run.lastPayloadID))
                ON CONFLICT (alert_id, started_at) DO UPDATE SET last_at = greatest(alert_runs.last_at, excluded.last_at),
                    count = alert_runs.count + excluded.count, last_payload_id = excluded.last_payload_id
                """)
        }
    }

    private func upsert(_ incident: IncidentState) async throws {
        try await run("""
            INSERT INTO incidents (id, key, title, status, severity, type, service, services, owner, detected_by,
                                   opened_at, acknowledged_at, resolved_at, closed_at, last_activity,
                                   signal_count, alert_count, report_count, classified_by_hand, oncall, rule_severity, hold_until,
                                   labels, escalation_step, escalated_at)
            VALUES (\(incident.id), \(incident.key), \(incident.title), \(incident.status.code), \(incident.severity.code),
                    \(incident.type.code), \(incident.service), \(JSONText.encode(incident.services)), \(incident.owner),
                    \(incident.detectedBy.code), \(incident.openedAt.milliseconds), \(incident.acknowledgedAt?.milliseconds),
                    \(incident.resolvedAt?.milliseconds), \(incident.closedAt?.milliseconds), \(incident.lastActivity.milliseconds),
                    \(incident.signalCount), \(incident.alertCount), \(incident.reportCount), \(incident.classifiedByHand), \(incident.oncall),
                    \(incident.ruleSeverity.code), \(incident.holdUntil?.milliseconds), \(JSONText.encode(incident.labels)),
                    \(incident.escalationStep), \(incident.escalatedAt?.milliseconds))
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, severity = excluded.severity,
                type = excluded.type, service = excluded.service, services = excluded.services, owner = excluded.owner,
                opened_at = excluded.opened_at, acknowledged_at = excluded.acknowledged_at, resolved_at = excluded.resolved_at,
                closed_at = excluded.closed_at, last_activity = excluded.last_activity, signal_count = excluded.signal_count,
                alert_count = excluded.alert_count, report_count = excluded.report_count, classified_by_hand = excluded.classified_by_hand,
                oncall = excluded.oncall, rule_severity = excluded.rule_severity, hold_until = excluded.hold_until,
                labels = excluded.labels, escalation_step = excluded.escalation_step, escalated_at = excluded.escalated_at
            """)
    }

    /// A timeline line; one that leads with its alert's title gets it from the alert's row,
    /// written by now.
    private func insert(_ entry: TimelineEntry) async throws {
        if entry.leadsWithAlertTitle {
            try await run("""
                INSERT INTO timeline (incident_id, at, kind, by, text, signal_id, alert_id, public)
                VALUES (\(entry.incidentID), \(entry.at.milliseconds), \(entry.kind.rawValue), \(entry.by),
                        coalesce((SELECT title || ': ' FROM alerts WHERE id = \(entry.alertID)::bigint), '') || \(entry.text)::text,
                        \(entry.signalID), \(entry.alertID), \(entry.isPublic))
                """)
        } else {
            try await run("""
                INSERT INTO timeline (incident_id, at, kind, by, text, signal_id, alert_id, public)
                VALUES (\(entry.incidentID), \(entry.at.milliseconds), \(entry.kind.rawValue), \(entry.by), \(entry.text),
                        \(entry.signalID), \(entry.alertID), \(entry.isPublic))
                """)
        }
    }

    /// A transition, and its deliveries as outbox rows.
    private func insert(_ transition: Transition) async throws {
        let sequence = try await id("""
            INSERT INTO transitions (at, kind, incident_id, alert_id, severity, detail)
            VALUES (\(transition.at.milliseconds), \(transition.kind.code), \(transition.incidentID), \(transition.alertID),
                    \(transition.severity.code), \(transition.detail))
            RETURNING seq
            """)
        for delivery in transition.deliveries {
            try await run("""
                INSERT INTO notifications (transition_seq, kind, incident_id, receiver, route, created_at, due_at, repeat_ms)
                VALUES (\(sequence), \(transition.kind.code), \(transition.incidentID), \(delivery.receiver), \(delivery.route),
                        \(transition.at.milliseconds), \(delivery.dueAt.milliseconds), \(delivery.repeatInterval.map(\.wholeMilliseconds)))
                """)
        }
    }
}
