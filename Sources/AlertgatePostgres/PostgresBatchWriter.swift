import AlertgateCore
import AlertgateStorage
import NIOCore
import PostgresNIO

/// Writes one batch on a connection inside its transaction, what `BatchWriter` writes into
/// SQLite and in the same order, with one statement per table whatever the batch holds: each
/// column is bound as one array and `unnest` makes the rows. A round trip to the server costs
/// more than the rows it carries (BENCHMARKS.md, PostgreSQL), so a batch of a hundred alerts
/// takes the same ten or so statements as a batch of one.
struct PostgresBatchWriter {
    let connection: PostgresConnection
    let logger: Logger

    /// What a batch wrote: each payload's id for its observer, and the alerts and incidents it
    /// changed, which other gateways writing in turns read back (`PostgresStore+Turns`).
    struct Written {
        var observers: [(any StoredPayload.CommitObserver, Int64)]
        var alertIDs: [Int64]
        var incidentIDs: [Int64]
    }

    func write(_ batch: StoreBatch) async throws -> Written {
        var records: [IngestRecord] = []
        for case .ingest(let record) in batch.entries { records.append(record) }
        let payloadIDs = try await insertPayloads(records.map(\.payload))

        var observers: [(any StoredPayload.CommitObserver, Int64)] = []
        var alerts = LatestByID<AlertChange>()
        var incidents = LatestByID<IncidentState>()
        var timeline: [TimelineEntry] = []
        var transitions: [Transition] = []
        var runs = FoldedRuns()
        var signals = SignalRows()
        func collect(_ outcome: Outcome) {
            for alert in outcome.alerts { alerts.set(alert, id: alert.id) { $0.replacing($1) } }
            for incident in outcome.incidents { incidents.set(incident, id: incident.id) }
            timeline.append(contentsOf: outcome.timeline)
            transitions.append(contentsOf: outcome.transitions)
        }
        var nextRecord = 0
        for entry in batch.entries {
            switch entry {
            case .outcome(let outcome):
                collect(outcome)
            case .ingest(let record):
                let payloadID = payloadIDs[nextRecord]
                nextRecord += 1
                if let observer = record.payload.commitObserver { observers.append((observer, payloadID)) }
                for placed in record.signals {
                    collect(placed.outcome)
                    if let fold = placed.outcome.fold {
                        runs.add(fold, payloadID: payloadID)
                    } else {
                        signals.append(placed, payloadID: payloadID)
                    }
                }
            }
        }
        let changedAlerts = alerts.sorted(by: { $0.id })
        let changedIncidents = incidents.sorted(by: { $0.id })
        try await insert(signals)
        try await write(changedAlerts, runs: runs)
        try await writeRuns(runs, exceptOpenRunsOf: changedAlerts)
        try await upsert(changedIncidents)
        try await insert(timeline)
        try await insert(transitions)
        return Written(observers: observers, alertIDs: changedAlerts.map(\.id), incidentIDs: changedIncidents.map(\.id))
    }

    private func run(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }

    private func ids(_ query: PostgresQuery) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await connection.query(query, logger: logger).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// The payloads' rows, their ids drawn from the sequence in the batch's order and
    /// returned in that order.
    private func insertPayloads(_ payloads: [StoredPayload]) async throws -> [Int64] {
        guard !payloads.isEmpty else { return [] }
        let ids = try await ids("""
            WITH rows AS (
                SELECT nextval('payloads_id_seq') AS id, u.*
                FROM (SELECT * FROM unnest(\(payloads.map(\.receivedAt.milliseconds)), \(payloads.map(\.source.code)),
                                           \(payloads.map(\.contentType)), \(payloads.map(\.encoding.rawValue)),
                                           \(payloads.map(\.originalSize)), \(payloads.map { ByteBuffer(bytes: $0.bytes) }),
                                           \(NullableArray(payloads.map(\.dictionaryID))))
                      WITH ORDINALITY AS u(received_at, source, content_type, encoding, size, data, dictionary_id, ord)
                      ORDER BY ord) AS u
            ), stored AS (
                INSERT INTO payloads (id, received_at, source, content_type, encoding, size, data, dictionary_id)
                SELECT id, received_at, source, content_type, encoding, size, data, dictionary_id FROM rows
            )
            SELECT id FROM rows ORDER BY ord
            """)
        guard ids.count == payloads.count else {
            throw StoreError.incompleteBatch("\(payloads.count) payloads written, \(ids.count) ids returned")
        }
        return ids
    }

    /// The columns of the batch's signal rows (folded repeats have none), and of the change
    /// rows of those that are changes.
    private struct SignalRows {
        var id: [Int64] = [], payloadID: [Int64] = [], item: [Int] = [], kind: [Int] = [], source: [Int] = [], status: [Int] = []
        var decision: [Int] = [], severity: [Int] = [], receivedAt: [Int64] = [], at: [Int64] = []
        var alertID: [Int64?] = [], incidentID: [Int64?] = [], fingerprint: [String] = [], service: [String] = [], title: [String] = []
        var why: [String] = []
        var changes: [(signalID: Int64, signal: Signal, at: Int64)] = []

        mutating func append(_ placed: PlacedSignal, payloadID: Int64) {
            let outcome = placed.outcome, signal = placed.signal
            guard let signalID = outcome.signalID, let decision = outcome.decision, let why = outcome.why else { return }
            id.append(signalID)
            self.payloadID.append(payloadID)
            item.append(placed.item)
            kind.append(signal.kind.code)
            source.append(signal.source.code)
            status.append(signal.status.code)
            self.decision.append(decision.code)
            severity.append(signal.severity.code)
            receivedAt.append(placed.receivedAt.milliseconds)
            at.append(outcome.effectiveTime.milliseconds)
            alertID.append(outcome.alertID)
            incidentID.append(outcome.incidentID)
            fingerprint.append(outcome.fingerprint?.value ?? "")
            service.append(signal.service)
            title.append(signal.title)
            self.why.append(JSONText.encode(why))
            if signal.kind == .change { changes.append((signalID, signal, outcome.effectiveTime.milliseconds)) }
        }
    }

    private func insert(_ rows: SignalRows) async throws {
        guard !rows.id.isEmpty else { return }
        try await run("""
            INSERT INTO signals (id, payload_id, item, kind, source, status, decision, severity, received_at, at,
                                 alert_id, incident_id, fingerprint, service, title, why)
            SELECT * FROM unnest(\(rows.id), \(rows.payloadID), \(rows.item), \(rows.kind), \(rows.source), \(rows.status),
                                 \(rows.decision), \(rows.severity), \(rows.receivedAt), \(rows.at), \(NullableArray(rows.alertID)),
                                 \(NullableArray(rows.incidentID)), \(rows.fingerprint), \(rows.service), \(rows.title), \(rows.why))
            """)
        let changes = rows.changes
        guard !changes.isEmpty else { return }
        try await run("""
            INSERT INTO changes (signal_id, service, title, description, at, sender, links)
            SELECT * FROM unnest(\(changes.map(\.signalID)), \(changes.map(\.signal.service)), \(changes.map(\.signal.title)),
                                 \(NullableArray(changes.map(\.signal.description))), \(changes.map(\.at)),
                                 \(NullableArray(changes.map(\.signal.sender))), \(changes.map { JSONText.encode($0.signal.links) }))
            """)
    }

    /// Alerts ascending by id. A change that carries labels and a title is of a new alert
    /// (`AlertChange`): inserted, or updated like the others when its row exists after all.
    /// Updated: the title only when the change carries one (a row holds the current title, where
    /// SQLite's keeps the first and the current apart, v13). The open run of folded repeats is
    /// the row's: the batch's part of it is added when it is the same run, or starts it afresh
    /// (the trigger `alerts_run_closes` moves the one that ended to `alert_runs`). Most batches
    /// of new alerts take one statement, of repeats one.
    private func write(_ alerts: [AlertChange], runs: FoldedRuns) async throws {
        guard !alerts.isEmpty else { return }
        let openRuns = alerts.map { alert in alert.runStartedAt.flatMap { runs.run(alertID: alert.id, startedAt: $0) } }
        let runStartedAt = alerts.map { $0.runStartedAt?.milliseconds }, runCount = openRuns.map { $0?.count ?? 0 }
        let runFirst = openRuns.map { $0?.firstPayloadID }, runLast = openRuns.map { $0?.lastPayloadID }
        let status = alerts.map(\.status.code), severity = alerts.map(\.severity.code)
        let firstSeen = alerts.map(\.firstSeen.milliseconds), lastSeen = alerts.map(\.lastSeen.milliseconds)
        let resolvedAt = alerts.map { $0.resolvedAt?.milliseconds }, count = alerts.map(\.count)
        let endsAt = alerts.map { $0.endsAt?.milliseconds }, flapping = alerts.map(\.flapping)
        let digest = alerts.map { Int64(bitPattern: $0.digest) }, runLastAt = alerts.map { $0.runLastAt?.milliseconds }

        /// Updates the alerts at `indices`; the ids of the rows found.
        func update(_ indices: [Int]) async throws -> Set<Int64> {
            guard !indices.isEmpty else { return [] }
            func pick<T>(_ column: [T]) -> [T] { indices.map { column[$0] } }
            return Set(try await ids("""
                UPDATE alerts AS a SET status = u.status, title = coalesce(u.title, a.title), severity = u.severity,
                    first_seen = u.first_seen, last_seen = u.last_seen, resolved_at = u.resolved_at, count = u.count, ends_at = u.ends_at,
                    flapping = u.flapping, digest = u.digest,
                    run_count = CASE WHEN a.run_started_at IS NOT DISTINCT FROM u.run_started_at THEN a.run_count + u.run_count ELSE u.run_count END,
                    run_first_payload_id = CASE WHEN a.run_started_at IS NOT DISTINCT FROM u.run_started_at AND a.run_count > 0
                        THEN a.run_first_payload_id ELSE u.run_first_payload_id END,
                    run_last_payload_id = CASE WHEN u.run_count > 0 THEN u.run_last_payload_id
                        WHEN a.run_started_at IS NOT DISTINCT FROM u.run_started_at THEN a.run_last_payload_id END,
                    run_started_at = u.run_started_at, run_last_at = u.run_last_at
                FROM unnest(\(indices.map { alerts[$0].id }), \(pick(status)), \(NullableArray(indices.map { alerts[$0].title })),
                            \(pick(severity)), \(pick(firstSeen)), \(pick(lastSeen)), \(NullableArray(pick(resolvedAt))), \(pick(count)),
                            \(NullableArray(pick(endsAt))), \(pick(flapping)), \(pick(digest)), \(NullableArray(pick(runStartedAt))),
                            \(NullableArray(pick(runLastAt))), \(pick(runCount)), \(NullableArray(pick(runFirst))), \(NullableArray(pick(runLast))))
                    AS u(id, status, title, severity, first_seen, last_seen, resolved_at, count, ends_at, flapping, digest,
                         run_started_at, run_last_at, run_count, run_first_payload_id, run_last_payload_id)
                WHERE a.id = u.id
                RETURNING a.id
                """))
        }

        // Changed alerts first: one resolved in this batch leaves its fingerprint to the new
        // alert of it that follows (`alerts_one_firing`).
        let new = alerts.indices.filter { alerts[$0].packedLabels != nil && alerts[$0].title != nil }
        let known = alerts.indices.filter { alerts[$0].packedLabels == nil || alerts[$0].title == nil }
        var updated = try await update(known)
        var inserted: Set<Int64> = []
        if !new.isEmpty {
            func pick<T>(_ column: [T]) -> [T] { new.map { column[$0] } }
            inserted = Set(try await ids("""
                INSERT INTO alerts (id, fingerprint, incident_id, status, kind, service, title, severity, labels, first_seen, last_seen,
                                    resolved_at, count, ends_at, flapping, digest, run_started_at, run_last_at, run_count,
                                    run_first_payload_id, run_last_payload_id)
                SELECT * FROM unnest(\(new.map { alerts[$0].id }), \(new.map { alerts[$0].fingerprint.value }),
                                     \(new.map { alerts[$0].incidentID }), \(pick(status)), \(new.map { alerts[$0].kind.code }),
                                     \(new.map { alerts[$0].service }), \(new.map { alerts[$0].title ?? "" }), \(pick(severity)),
                                     \(new.map { alerts[$0].packedLabels.map(JSONText.encode) ?? "{}" }), \(pick(firstSeen)),
                                     \(pick(lastSeen)), \(NullableArray(pick(resolvedAt))), \(pick(count)), \(NullableArray(pick(endsAt))),
                                     \(pick(flapping)), \(pick(digest)), \(NullableArray(pick(runStartedAt))), \(NullableArray(pick(runLastAt))),
                                     \(pick(runCount)), \(NullableArray(pick(runFirst))), \(NullableArray(pick(runLast))))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """))
        }
        // A whole alert (`AlertChange(AlertState)`) whose row exists: updated like the others.
        let existing = new.filter { !inserted.contains(alerts[$0].id) }
        updated.formUnion(try await update(existing))
        if let missing = (known + existing).first(where: { !updated.contains(alerts[$0].id) }) {
            throw StoreError.incompleteBatch("alert \(alerts[missing].id) is new but its change carries no title and labels")
        }
    }

    /// Folded repeats of runs that ended within the batch, added to their rows.
    private func writeRuns(_ runs: FoldedRuns, exceptOpenRunsOf alerts: [AlertChange]) async throws {
        guard !runs.isEmpty else { return }
        var openRuns: [Int64: Timestamp] = [:]
        for alert in alerts { if let started = alert.runStartedAt { openRuns[alert.id] = started } }
        let ended = runs.inOrder.filter { openRuns[$0.alertID] != $0.startedAt }
        guard !ended.isEmpty else { return }
        try await run("""
            INSERT INTO alert_runs (alert_id, started_at, last_at, count, first_payload_id, last_payload_id)
            SELECT * FROM unnest(\(ended.map(\.alertID)), \(ended.map(\.startedAt.milliseconds)), \(ended.map(\.lastAt.milliseconds)),
                                 \(ended.map(\.count)), \(ended.map(\.firstPayloadID)), \(ended.map(\.lastPayloadID)))
            ON CONFLICT (alert_id, started_at) DO UPDATE SET last_at = greatest(alert_runs.last_at, excluded.last_at),
                count = alert_runs.count + excluded.count, last_payload_id = excluded.last_payload_id
            """)
    }

    private func upsert(_ incidents: [IncidentState]) async throws {
        guard !incidents.isEmpty else { return }
        try await run("""
            INSERT INTO incidents (id, key, title, status, severity, type, service, services, owner, detected_by,
                                   opened_at, acknowledged_at, resolved_at, closed_at, last_activity,
                                   signal_count, alert_count, report_count, classified_by_hand, oncall, rule_severity, hold_until,
                                   labels, escalation_step, escalated_at)
            SELECT * FROM unnest(\(incidents.map(\.id)), \(incidents.map(\.key)), \(incidents.map(\.title)),
                                 \(incidents.map(\.status.code)), \(incidents.map(\.severity.code)), \(incidents.map(\.type.code)),
                                 \(incidents.map(\.service)), \(incidents.map { JSONText.encode($0.services) }),
                                 \(NullableArray(incidents.map(\.owner))), \(incidents.map(\.detectedBy.code)),
                                 \(incidents.map(\.openedAt.milliseconds)), \(NullableArray(incidents.map { $0.acknowledgedAt?.milliseconds })),
                                 \(NullableArray(incidents.map { $0.resolvedAt?.milliseconds })),
                                 \(NullableArray(incidents.map { $0.closedAt?.milliseconds })), \(incidents.map(\.lastActivity.milliseconds)),
                                 \(incidents.map(\.signalCount)), \(incidents.map(\.alertCount)), \(incidents.map(\.reportCount)),
                                 \(incidents.map(\.classifiedByHand)), \(NullableArray(incidents.map(\.oncall))),
                                 \(incidents.map(\.ruleSeverity.code)), \(NullableArray(incidents.map { $0.holdUntil?.milliseconds })),
                                 \(incidents.map { JSONText.encode($0.labels) }), \(incidents.map(\.escalationStep)),
                                 \(NullableArray(incidents.map { $0.escalatedAt?.milliseconds })))
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, severity = excluded.severity,
                type = excluded.type, service = excluded.service, services = excluded.services, owner = excluded.owner,
                opened_at = excluded.opened_at, acknowledged_at = excluded.acknowledged_at, resolved_at = excluded.resolved_at,
                closed_at = excluded.closed_at, last_activity = excluded.last_activity, signal_count = excluded.signal_count,
                alert_count = excluded.alert_count, report_count = excluded.report_count, classified_by_hand = excluded.classified_by_hand,
                oncall = excluded.oncall, rule_severity = excluded.rule_severity, hold_until = excluded.hold_until,
                labels = excluded.labels, escalation_step = excluded.escalation_step, escalated_at = excluded.escalated_at
            """)
    }

    /// Timeline lines in order; one that leads with its alert's title gets it from the
    /// alert's row, written by now.
    private func insert(_ timeline: [TimelineEntry]) async throws {
        guard !timeline.isEmpty else { return }
        try await run("""
            INSERT INTO timeline (incident_id, at, kind, by, text, signal_id, alert_id, public)
            SELECT incident_id, at, kind, by,
                   CASE WHEN leads THEN coalesce((SELECT title || ': ' FROM alerts WHERE id = u.alert_id), '') || u.text ELSE u.text END,
                   signal_id, alert_id, public
            FROM unnest(\(timeline.map(\.incidentID)), \(timeline.map(\.at.milliseconds)), \(timeline.map(\.kind.rawValue)),
                        \(NullableArray(timeline.map(\.by))), \(NullableArray(timeline.map(\.text))), \(NullableArray(timeline.map(\.signalID))),
                        \(NullableArray(timeline.map(\.alertID))), \(timeline.map(\.isPublic)), \(timeline.map(\.leadsWithAlertTitle)))
                WITH ORDINALITY AS u(incident_id, at, kind, by, text, signal_id, alert_id, public, leads, ord)
            ORDER BY ord
            """)
    }

    /// Transitions in order, their sequence numbers drawn in that order, and their deliveries
    /// as outbox rows, in one statement.
    private func insert(_ transitions: [Transition]) async throws {
        guard !transitions.isEmpty else { return }
        var deliveries: (transition: [Int64], receiver: [String], route: [String], dueAt: [Int64], repeatMs: [Int64?]) = ([], [], [], [], [])
        for (position, transition) in transitions.enumerated() {
            for delivery in transition.deliveries {
                deliveries.transition.append(Int64(position + 1))
                deliveries.receiver.append(delivery.receiver)
                deliveries.route.append(delivery.route)
                deliveries.dueAt.append(delivery.dueAt.milliseconds)
                deliveries.repeatMs.append(delivery.repeatInterval.map(\.wholeMilliseconds))
            }
        }
        try await run("""
            WITH rows AS (
                SELECT nextval('transitions_seq_seq') AS seq, u.*
                FROM (SELECT * FROM unnest(\(transitions.map(\.at.milliseconds)), \(transitions.map(\.kind.code)),
                                           \(transitions.map(\.incidentID)), \(NullableArray(transitions.map(\.alertID))),
                                           \(transitions.map(\.severity.code)), \(NullableArray(transitions.map(\.detail))))
                      WITH ORDINALITY AS u(at, kind, incident_id, alert_id, severity, detail, ord)
                      ORDER BY ord) AS u
            ), stored AS (
                INSERT INTO transitions (seq, at, kind, incident_id, alert_id, severity, detail)
                SELECT seq, at, kind, incident_id, alert_id, severity, detail FROM rows
            )
            INSERT INTO notifications (transition_seq, kind, incident_id, receiver, route, created_at, due_at, repeat_ms)
            SELECT rows.seq, rows.kind, rows.incident_id, d.receiver, d.route, rows.at, d.due_at, d.repeat_ms
            FROM unnest(\(deliveries.transition), \(deliveries.receiver), \(deliveries.route), \(deliveries.dueAt),
                        \(NullableArray(deliveries.repeatMs))) WITH ORDINALITY AS d(transition, receiver, route, due_at, repeat_ms, ord)
            JOIN rows ON rows.ord = d.transition
            ORDER BY d.ord
            """)
    }
}
