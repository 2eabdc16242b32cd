import AlertgateCore
import Foundation
import GRDB

/// Writes one `StoreBatch` inside the writer's transaction with cached statements.
/// Alerts and incidents changed many times in a batch are written once, as last seen.
///
/// The hot rows (payloads, signals, alerts, timeline, transitions) bind their values directly
/// (`StatementBinder`).
/// An alert is inserted once with its labels and afterwards only updated: labels never
/// change, so a repeat does not encode them again.
struct BatchWriter {
    let db: Database
    let whyTemplates: WhyTemplates

    /// Writes `batch`; returns the payloads' commit observers with the ids those payloads got,
    /// to be told once the transaction has committed.
    func write(_ batch: StoreBatch) throws -> [(any StoredPayload.CommitObserver, Int64)] {
        var observers: [(any StoredPayload.CommitObserver, Int64)] = []
        var alerts = LatestByID<AlertChange>()
        var incidents = LatestByID<IncidentState>()
        var timeline: [TimelineEntry] = []
        // Positions in `timeline` of lines whose text is the title of their signal, written in
        // this batch in the same incident: stored without it (v13).
        var textIsSignalTitle = Set<Int>()
        var transitions: [Transition] = []
        var runs = FoldedRuns()
        // The ids of the alerts and signals inserted, by incident, for its lists (v18).
        var listed = IncidentListAdditions()
        // The correlator hands out alert ids in ascending order: one past the largest stored id
        // starts the alerts this batch creates.
        let firstNewAlertID = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM alerts")) ?? 0) + 1
        // The title each new alert is created with, its row's `title` (v13).
        var firstTitles: [Int64: String] = [:]
        // Takes an outcome's parts as arrays: each is passed as one reference, where the outcome
        // itself, read from a batch's storage, would be copied field by field.
        func collect(_ changes: [AlertChange], _ changedIncidents: [IncidentState], _ lines: [TimelineEntry], _ made: [Transition]) {
            for alert in changes {
                if alert.id >= firstNewAlertID, alert.packedLabels != nil, let title = alert.title, firstTitles[alert.id] == nil {
                    firstTitles[alert.id] = title
                }
                alerts.set(alert, id: alert.id) { $0.replacing($1) }
            }
            for incident in changedIncidents { incidents.set(incident, id: incident.id) }
            timeline.append(contentsOf: lines)
            transitions.append(contentsOf: made)
        }
        func collect(_ outcome: Outcome) { collect(outcome.alerts, outcome.incidents, outcome.timeline, outcome.transitions) }

        let insertPayload = try db.cachedStatement(sql: """
            INSERT INTO payloads (received_at, source, content_type, encoding, size, data, dictionary_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let insertSignal = try db.cachedStatement(sql: """
            INSERT INTO signals (id, payload_id, item, kind, source, status, decision, severity, received_at, at,
                                 alert_id, incident_id, fingerprint, service, title, why, from_alert)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertChange = try db.cachedStatement(sql: """
            INSERT INTO changes (signal_id, service, title, description, at, sender, links) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in batch.entries {
            guard case .ingest(let record) = entry else {
                if case .outcome(let outcome) = entry { collect(outcome) }
                continue
            }
            let payloadID = try insert(record.payload, with: insertPayload)
            if let observer = record.payload.commitObserver { observers.append((observer, payloadID)) }
            // Signals are read in place, through a pointer: a `PlacedSignal` passed by value, or
            // its outcome, would be copied, retaining and releasing every string and array it holds.
            try record.signals.withUnsafeBufferPointer { placedSignals in
                guard let first = placedSignals.baseAddress else { return }
                for position in placedSignals.indices {
                    let placed = first + position
                    let firstLine = timeline.count
                    collect(placed.pointee.outcome.alerts, placed.pointee.outcome.incidents, placed.pointee.outcome.timeline,
                            placed.pointee.outcome.transitions)
                    if let fold = placed.pointee.outcome.fold {
                        runs.add(fold, payloadID: payloadID)
                        continue
                    }
                    guard try insert(placed, payloadID: payloadID, firstTitles: firstTitles, into: insertSignal, changes: insertChange) else { continue }
                    if let incident = placed.pointee.outcome.incidentID, let signal = placed.pointee.outcome.signalID {
                        listed.add(signal: signal, to: incident)
                    }
                    for line in firstLine..<timeline.count
                    where timeline[line].signalID == placed.pointee.outcome.signalID
                        && timeline[line].incidentID == placed.pointee.outcome.incidentID
                        && !timeline[line].leadsWithAlertTitle && timeline[line].text == placed.pointee.signal.title {
                        textIsSignalTitle.insert(line)
                    }
                }
            }
        }

        let changedAlerts = alerts.sorted(by: { $0.id })
        try writeAlerts(changedAlerts, firstNewID: firstNewAlertID, firstTitles: firstTitles, runs: runs, listing: &listed)
        try writeRuns(runs, exceptOpenRunsOf: changedAlerts)
        try writeIncidents(incidents.sorted(by: { $0.id }), listing: listed)
        try writeTimeline(timeline, textIsSignalTitle: textIsSignalTitle)
        try writeTransitions(transitions)
        return observers
    }

    /// A payload's row; returns its id.
    private func insert(_ payload: StoredPayload, with insertPayload: Statement) throws -> Int64 {
        var row = StatementBinder(insertPayload)
        row.bind(payload.receivedAt.milliseconds)
        row.bind(payload.source.code)
        row.bind(payload.contentType)
        row.bind(payload.encoding.rawValue)
        row.bind(payload.originalSize)
        row.bind(blob: payload.bytes)
        row.bind(payload.dictionaryID)
        try row.execute()
        return db.lastInsertedRowID
    }

    /// A placed signal's row (and its change row, for a change); nothing for an outcome without
    /// a signal id (then false). What it shares with its alert's row is left to it (v13): its fingerprint,
    /// its service, and its title when it is the one a new alert of this batch is created with
    /// (`firstTitles`). The signal is read in place (`placed`), each value as it is bound.
    private func insert(
        _ placed: UnsafePointer<PlacedSignal>, payloadID: Int64, firstTitles: [Int64: String], into insertSignal: Statement,
        changes insertChange: Statement
    ) throws -> Bool {
        guard let signalID = placed.pointee.outcome.signalID, let decision = placed.pointee.outcome.decision,
              let why = placed.pointee.outcome.why else { return false }
        // The change of its alert in the same outcome (an outcome carries the change of the
        // alert it placed its signal in).
        let change = placed.pointee.outcome.alertID.flatMap { id in placed.pointee.outcome.alerts.firstIndex { $0.id == id } }
        var fromAlert: Int64 = 0
        if let change, placed.pointee.outcome.alerts[change].service == placed.pointee.signal.service { fromAlert |= SignalFromAlert.service }
        if let change, let first = firstTitles[placed.pointee.outcome.alerts[change].id], first == placed.pointee.signal.title {
            fromAlert |= SignalFromAlert.title
        }
        var row = StatementBinder(insertSignal)
        row.bind(signalID)
        row.bind(payloadID)
        row.bind(placed.pointee.item)
        row.bind(placed.pointee.signal.kind.code)
        row.bind(placed.pointee.signal.source.code)
        row.bind(placed.pointee.signal.status.code)
        row.bind(decision.code)
        row.bind(placed.pointee.signal.severity.code)
        row.bind(placed.pointee.receivedAt.milliseconds)
        row.bind(placed.pointee.outcome.effectiveTime.milliseconds)
        row.bind(placed.pointee.outcome.alertID)
        row.bind(placed.pointee.outcome.incidentID)
        if let fingerprint = placed.pointee.outcome.fingerprint, change.map({ placed.pointee.outcome.alerts[$0].fingerprint }) != fingerprint {
            row.bind(fingerprint)
        } else {
            row.bind("")
        }
        row.bind(fromAlert & SignalFromAlert.service != 0 ? "" : placed.pointee.signal.service)
        row.bind(fromAlert & SignalFromAlert.title != 0 ? "" : placed.pointee.signal.title)
        if let (template, arguments) = WhyText.split(why) {
            row.bind(WhyText.text(templateID: try whyTemplates.id(of: template, in: db), arguments: arguments))
        } else {
            row.bind(JSONText.encode(why))
        }
        row.bind(fromAlert)
        try row.execute()
        if placed.pointee.signal.kind == .change {
            let signal = placed.pointee.signal
            try insertChange.execute(arguments: [
                signalID, signal.service, signal.title, signal.description, placed.pointee.outcome.effectiveTime.milliseconds,
                signal.sender, JSONText.encode(signal.links),
            ])
        }
        return true
    }

    /// Transitions in the order they were made: their sequence numbers follow it. Each
    /// transition's deliveries become outbox rows here, in the same transaction.
    private func writeTransitions(_ transitions: [Transition]) throws {
        guard !transitions.isEmpty else { return }
        let insertTransition = try db.cachedStatement(sql: """
            INSERT INTO transitions (at, kind, incident_id, alert_id, severity, detail) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let insertNotification = try db.cachedStatement(sql: """
            INSERT INTO notifications (transition_seq, kind, incident_id, receiver, route, created_at, due_at, repeat_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for transition in transitions {
            var row = StatementBinder(insertTransition)
            row.bind(transition.at.milliseconds)
            row.bind(transition.kind.code)
            row.bind(transition.incidentID)
            row.bind(transition.alertID)
            row.bind(transition.severity.code)
            row.bind(transition.detail)
            try row.execute()
            guard !transition.deliveries.isEmpty else { continue }
            let sequence = db.lastInsertedRowID
            for delivery in transition.deliveries {
                try insertNotification.execute(arguments: [
                    sequence, transition.kind.code, transition.incidentID, delivery.receiver, delivery.route,
                    transition.at.milliseconds, delivery.dueAt.milliseconds, delivery.repeatInterval.map(\.wholeMilliseconds),
                ])
            }
        }
    }

    /// Alerts, ascending by id. Those from `firstNewID` on are new: inserted with their labels
    /// and the title they were created with (`firstTitles`; `retitled` when a later signal of the
    /// batch changed it); older ones updated, `retitled` only when the change carries a title.
    /// An update that finds no row (never expected) inserts instead.
    ///
    /// An alert's row holds its open run of folded repeats (v13): the batch's part of it from
    /// `runs` is added to what the row holds when the run is the same, or starts it afresh.
    /// When the open run changes, the trigger `alerts_run_closes` moves the one that ended into
    /// `alert_runs`.
    private func writeAlerts(
        _ alerts: [AlertChange], firstNewID: Int64, firstTitles: [Int64: String], runs: FoldedRuns, listing listed: inout IncidentListAdditions
    ) throws {
        guard !alerts.isEmpty else { return }
        let insertAlert = try db.cachedStatement(sql: """
            INSERT INTO alerts (id, fingerprint, incident_id, status, kind, service, title, severity, labels,
                                first_seen, last_seen, resolved_at, count, ends_at, flapping, digest, run_started_at, run_last_at, retitled,
                                run_count, run_first_payload_id, run_last_payload_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // `title` stays the first title (signals point to it); a change's title is its current one.
        // The SET expressions read the row as it was: `run_started_at IS ?11` is "the same run".
        let updateAlert = try db.cachedStatement(sql: """
            UPDATE alerts SET status = ?1, retitled = CASE WHEN ?2 IS NULL THEN retitled WHEN ?2 = title THEN NULL ELSE ?2 END,
                              severity = ?3, first_seen = ?4, last_seen = ?5, resolved_at = ?6, count = ?7, ends_at = ?8, flapping = ?9,
                              digest = ?10, run_started_at = ?11, run_last_at = ?12,
                              run_count = CASE WHEN run_started_at IS ?11 THEN run_count + ?14 ELSE ?14 END,
                              run_first_payload_id = CASE WHEN run_started_at IS ?11 AND run_count > 0 THEN run_first_payload_id ELSE ?15 END,
                              run_last_payload_id = CASE WHEN ?14 > 0 THEN ?16 WHEN run_started_at IS ?11 THEN run_last_payload_id END
            WHERE id = ?13
            """)
        var labelsText: [UInt8] = []
        // Each change is read in place, through a pointer: a copy of it would retain and
        // release every string and array it holds.
        try alerts.withUnsafeBufferPointer { changes in
            guard let first = changes.baseAddress else { return }
            for index in changes.indices {
                let alert = first + index
                let openRun = alert.pointee.runStartedAt.flatMap { runs.run(alertID: alert.pointee.id, startedAt: $0) }
                if alert.pointee.id < firstNewID {
                    var row = StatementBinder(updateAlert)
                    row.bind(alert.pointee.status.code)
                    row.bind(alert.pointee.title)
                    row.bind(alert.pointee.severity.code)
                    bindTimesAndRun(of: alert, into: &row)
                    row.bind(alert.pointee.id)
                    bind(openRun, into: &row)
                    try row.execute()
                    if db.changesCount > 0 { continue }
                }
                // A new alert's first change carries both, and later ones in the batch keep them.
                guard let latestTitle = alert.pointee.title, let labels = alert.pointee.packedLabels else {
                    throw StoreError.incompleteBatch("alert \(alert.pointee.id) is new but its change carries no title and labels")
                }
                let title = firstTitles[alert.pointee.id] ?? latestTitle
                var row = StatementBinder(insertAlert)
                row.bind(alert.pointee.id)
                row.bind(alert.pointee.fingerprint)
                row.bind(alert.pointee.incidentID)
                row.bind(alert.pointee.status.code)
                row.bind(alert.pointee.kind.code)
                row.bind(alert.pointee.service)
                row.bind(title)
                row.bind(alert.pointee.severity.code)
                LabelsText.encode(labels, into: &labelsText)
                labelsText.withUnsafeBufferPointer { row.bind(text: $0) }
                bindTimesAndRun(of: alert, into: &row)
                row.bind(latestTitle == title ? nil : latestTitle)
                bind(openRun, into: &row)
                try row.execute()
                listed.add(alert: alert.pointee.id, to: alert.pointee.incidentID)
            }
        }
    }

    /// The columns an alert's update and insert share, in the order both statements take them:
    /// its times, count, expiry, flapping, digest and open run.
    private func bindTimesAndRun(of alert: UnsafePointer<AlertChange>, into row: inout StatementBinder) {
        row.bind(alert.pointee.firstSeen.milliseconds)
        row.bind(alert.pointee.lastSeen.milliseconds)
        row.bind(alert.pointee.resolvedAt?.milliseconds)
        row.bind(alert.pointee.count)
        row.bind(alert.pointee.endsAt?.milliseconds)
        row.bind(alert.pointee.flapping ? 1 : 0)
        row.bind(Int64(bitPattern: alert.pointee.digest))
        row.bind(alert.pointee.runStartedAt?.milliseconds)
        row.bind(alert.pointee.runLastAt?.milliseconds)
    }

    /// The batch's part of an alert's open run (`FoldedRuns`): its count and payload ids.
    private func bind(_ openRun: FoldedRuns.Run?, into row: inout StatementBinder) {
        row.bind(openRun?.count ?? 0)
        row.bind(openRun?.firstPayloadID)
        row.bind(openRun?.lastPayloadID)
    }

    /// Timeline entries in the order they were made. A line at a position in `textIsSignalTitle`
    /// (a new alert's: its text is its signal's title, the signal of the same incident) is
    /// stored without its text, read from the signal's row (v13): retention deletes an
    /// incident's timeline before its signals.
    private func writeTimeline(_ timeline: [TimelineEntry], textIsSignalTitle: Set<Int>) throws {
        let insertTimeline = try db.cachedStatement(sql: """
            INSERT INTO timeline (incident_id, at, kind, by, text, signal_id, alert_id, public, text_is_signal_title)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // The same values, the text after its alert's title (`TimelineEntry.leadsWithAlertTitle`):
        // the alert's row is written by now (`write`).
        let insertTitledTimeline = try db.cachedStatement(sql: """
            INSERT INTO timeline (incident_id, at, kind, by, text, signal_id, alert_id, public)
            VALUES (?1, ?2, ?3, ?4, coalesce((SELECT coalesce(retitled, title) || ': ' FROM alerts WHERE id = ?7), '') || ?5, ?6, ?7, ?8)
            """)
        for (position, entry) in timeline.enumerated() {
            let fromSignal = textIsSignalTitle.contains(position)
            var row = StatementBinder(entry.leadsWithAlertTitle ? insertTitledTimeline : insertTimeline)
            row.bind(entry.incidentID)
            row.bind(entry.at.milliseconds)
            row.bind(entry.kind.rawValue)
            row.bind(entry.by)
            row.bind(fromSignal ? nil : entry.text)
            row.bind(entry.signalID)
            row.bind(entry.alertID)
            row.bind(entry.isPublic ? 1 : 0)
            if !entry.leadsWithAlertTitle { row.bind(fromSignal ? 1 : 0) }
            try row.execute()
        }
    }

    /// Folded repeats of runs that ended within the batch, one upsert per run however many
    /// repeats of it the batch holds: a run already stored (moved there by `alerts_run_closes`
    /// as the batch ended it) grows in place. Open runs went into their alerts' rows
    /// (`writeAlerts`).
    private func writeRuns(_ runs: FoldedRuns, exceptOpenRunsOf alerts: [AlertChange]) throws {
        guard !runs.isEmpty else { return }
        var openRuns: [Int64: Timestamp] = [:]
        for alert in alerts { if let started = alert.runStartedAt { openRuns[alert.id] = started } }
        let upsertRun = try db.cachedStatement(sql: """
            INSERT INTO alert_runs (alert_id, started_at, last_at, count, first_payload_id, last_payload_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (alert_id, started_at) DO UPDATE SET last_at = max(last_at, excluded.last_at), count = count + excluded.count,
                last_payload_id = excluded.last_payload_id
            """)
        for run in runs.inOrder where openRuns[run.alertID] != run.startedAt {
            var row = StatementBinder(upsertRun)
            row.bind(run.alertID)
            row.bind(run.startedAt.milliseconds)
            row.bind(run.lastAt.milliseconds)
            row.bind(run.count)
            row.bind(run.firstPayloadID)
            row.bind(run.lastPayloadID)
            try row.execute()
        }
    }

    /// Incidents: few per batch, upserted, their values bound straight (`StatementBinder`): one
    /// alert per POST upserts about one incident per alert. `status` is set apart, and only when
    /// it changed (a new row has it from its insert): SQLite rewrites the entry of every index
    /// whose column an UPDATE sets, equal or not, and most batches only add to an incident, so
    /// naming `status` in the upsert wrote a page of `incidents_by_status` to the WAL in nearly
    /// every commit for nothing.
    ///
    /// The ids of the alerts and signals the batch inserted are appended to their incident's
    /// lists (`IncidentList`, v18) in the same upsert; for an incident the batch did not change
    /// (an inhibited signal's, a resolve's of an alert whose incident the correlator let go), by
    /// an update of its own. The update files a list grown long (`incident_lists_filed`); an
    /// insert does not, so a new incident whose first batch made a list long is updated again.
    private func writeIncidents(_ incidents: [IncidentState], listing listed: IncidentListAdditions) throws {
        let upsertIncident = try db.cachedStatement(sql: Self.upsertIncident)
        let changeStatus = try db.cachedStatement(sql: "UPDATE incidents SET status = ?2 WHERE id = ?1 AND status <> ?2")
        var leftOver = listed
        for incident in incidents {
            var row = StatementBinder(upsertIncident)
            row.bind(incident.id)
            row.bind(incident.key)
            row.bind(incident.title)
            row.bind(incident.status.code)
            row.bind(incident.severity.code)
            row.bind(incident.type.code)
            row.bind(incident.service)
            row.bind(JSONText.encode(incident.services))
            row.bind(incident.owner)
            row.bind(incident.detectedBy.code)
            row.bind(incident.openedAt.milliseconds)
            row.bind(incident.acknowledgedAt?.milliseconds)
            row.bind(incident.resolvedAt?.milliseconds)
            row.bind(incident.closedAt?.milliseconds)
            row.bind(incident.lastActivity.milliseconds)
            row.bind(incident.signalCount)
            row.bind(incident.alertCount)
            row.bind(incident.reportCount)
            row.bind(incident.classifiedByHand ? 1 : 0)
            row.bind(incident.oncall)
            row.bind(incident.ruleSeverity.code)
            row.bind(incident.holdUntil?.milliseconds)
            row.bind(JSONText.encode(incident.labels))
            row.bind(incident.escalationStep)
            row.bind(incident.escalatedAt?.milliseconds)
            let additions = leftOver.remove(incident.id)
            row.bind(additions.alerts)
            row.bind(additions.signals)
            try row.execute()
            var status = StatementBinder(changeStatus)
            status.bind(incident.id)
            status.bind(incident.status.code)
            try status.execute()
            if additions.fillsAPiece { try appendToLists(of: incident.id, nil, nil) }
        }
        for incident in leftOver.incidents {
            let additions = leftOver.remove(incident)
            try appendToLists(of: incident, additions.alerts, additions.signals)
        }
    }

    /// The incident's upsert: every column but `status` (set apart, see `writeIncidents`), and
    /// the batch's ids appended to its lists. Built once: the writer runs it every batch.
    private static let upsertIncident = """
        INSERT INTO incidents (id, key, title, status, severity, type, service, services, owner, detected_by,
                               opened_at, acknowledged_at, resolved_at, closed_at, last_activity,
                               signal_count, alert_count, report_count, classified_by_hand, oncall, rule_severity, hold_until,
                               labels, escalation_step, escalated_at, open_alert_ids, open_signal_ids)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET title = excluded.title, severity = excluded.severity,
            type = excluded.type, services = excluded.services, owner = excluded.owner, opened_at = excluded.opened_at,
            acknowledged_at = excluded.acknowledged_at, resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,
            last_activity = excluded.last_activity, signal_count = excluded.signal_count, alert_count = excluded.alert_count,
            report_count = excluded.report_count, classified_by_hand = excluded.classified_by_hand,
            oncall = excluded.oncall, rule_severity = excluded.rule_severity, hold_until = excluded.hold_until,
            escalation_step = excluded.escalation_step, escalated_at = excluded.escalated_at,
            \(IncidentListAdditions.appending("open_alert_ids", "excluded.open_alert_ids")),
            \(IncidentListAdditions.appending("open_signal_ids", "excluded.open_signal_ids"))
        """

    /// Appends `?2` and `?3` (alert and signal ids; NULL: none) to incident `?1`'s lists.
    private static let appendToLists = """
        UPDATE incidents SET \(IncidentListAdditions.appending("open_alert_ids", "?2")), \(IncidentListAdditions.appending("open_signal_ids", "?3"))
        WHERE id = ?1
        """

    /// Appends `alerts` and `signals` (nil: none) to incident `id`'s lists by an update, which
    /// files a list grown long.
    private func appendToLists(of id: Int64, _ alerts: String?, _ signals: String?) throws {
        let append = try db.cachedStatement(sql: Self.appendToLists)
        var row = StatementBinder(append)
        row.bind(id)
        row.bind(alerts)
        row.bind(signals)
        try row.execute()
        guard db.changesCount == 1 else {
            throw StoreError.incompleteBatch("alerts or signals of incident \(id), which is neither stored nor in the batch")
        }
    }
}
