import AlertgateCore
import Foundation
import GRDB

/// Writes one `StoreBatch` inside the writer's transaction with cached statements.
/// Alerts and incidents changed many times in a batch are written once, as last seen.
struct BatchWriter {
    let db: Database

    func write(_ batch: StoreBatch) throws {
        var alerts: [Int64: AlertState] = [:]
        var incidents: [Int64: IncidentState] = [:]
        var timeline: [TimelineEntry] = []
        func collect(_ outcome: Outcome) {
            for alert in outcome.alerts { alerts[alert.id] = alert }
            for incident in outcome.incidents { incidents[incident.id] = incident }
            timeline.append(contentsOf: outcome.timeline)
        }

        let insertPayload = try db.cachedStatement(sql: """
            INSERT INTO payloads (received_at, source, content_type, encoding, size, data) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let insertSignal = try db.cachedStatement(sql: """
            INSERT INTO signals (id, payload_id, item, kind, source, status, decision, severity, received_at, at,
                                 alert_id, incident_id, fingerprint, service, title, why)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertChange = try db.cachedStatement(sql: """
            INSERT INTO changes (signal_id, service, title, description, at, sender, links) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in batch.entries {
            guard case .ingest(let record) = entry else {
                if case .outcome(let outcome) = entry { collect(outcome) }
                continue
            }
            let payload = record.payload
            try insertPayload.execute(arguments: [
                payload.receivedAt.milliseconds, payload.source.code, payload.contentType,
                payload.encoding.rawValue, payload.originalSize, Data(payload.bytes),
            ])
            let payloadID = db.lastInsertedRowID
            for placed in record.signals {
                let outcome = placed.outcome
                collect(outcome)
                guard let signalID = outcome.signalID, let decision = outcome.decision, let why = outcome.why else { continue }
                let signal = placed.signal
                try insertSignal.execute(arguments: [
                    signalID, payloadID, placed.item, signal.kind.code, signal.source.code, signal.status.code,
                    decision.code, signal.severity.code, placed.receivedAt.milliseconds, outcome.effectiveTime.milliseconds,
                    outcome.alertID, outcome.incidentID, outcome.fingerprint?.value ?? "", signal.service, signal.title,
                    JSONText.encode(why),
                ])
                if signal.kind == .change {
                    try insertChange.execute(arguments: [
                        signalID, signal.service, signal.title, signal.description, outcome.effectiveTime.milliseconds,
                        signal.sender, JSONText.encode(signal.links),
                    ])
                }
            }
        }

        let upsertAlert = try db.cachedStatement(sql: """
            INSERT INTO alerts (id, fingerprint, incident_id, status, kind, service, title, severity, labels,
                                first_seen, last_seen, resolved_at, count, ends_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET status = excluded.status, title = excluded.title, severity = excluded.severity,
                first_seen = excluded.first_seen, last_seen = excluded.last_seen, resolved_at = excluded.resolved_at,
                count = excluded.count, ends_at = excluded.ends_at
            """)
        for alert in alerts.values.sorted(by: { $0.id < $1.id }) {
            try upsertAlert.execute(arguments: [
                alert.id, alert.fingerprint.value, alert.incidentID, alert.status.code, alert.kind.code, alert.service,
                alert.title, alert.severity.code, JSONText.encode(alert.labels), alert.firstSeen.milliseconds,
                alert.lastSeen.milliseconds, alert.resolvedAt?.milliseconds, alert.count, alert.endsAt?.milliseconds,
            ])
        }
        let upsertIncident = try db.cachedStatement(sql: """
            INSERT INTO incidents (id, key, title, status, severity, type, service, services, owner, detected_by,
                                   opened_at, acknowledged_at, resolved_at, closed_at, last_activity,
                                   signal_count, alert_count, report_count, classified_by_hand)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET title = excluded.title, status = excluded.status, severity = excluded.severity,
                type = excluded.type, services = excluded.services, owner = excluded.owner, opened_at = excluded.opened_at,
                acknowledged_at = excluded.acknowledged_at, resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,
                last_activity = excluded.last_activity, signal_count = excluded.signal_count, alert_count = excluded.alert_count,
                report_count = excluded.report_count, classified_by_hand = excluded.classified_by_hand
            """)
        for incident in incidents.values.sorted(by: { $0.id < $1.id }) {
            try upsertIncident.execute(arguments: [
                incident.id, incident.key, incident.title, incident.status.code, incident.severity.code, incident.type.code,
                incident.service, JSONText.encode(incident.services), incident.owner, incident.detectedBy.code,
                incident.openedAt.milliseconds, incident.acknowledgedAt?.milliseconds, incident.resolvedAt?.milliseconds,
                incident.closedAt?.milliseconds, incident.lastActivity.milliseconds, incident.signalCount,
                incident.alertCount, incident.reportCount, incident.classifiedByHand,
            ])
        }
        let insertTimeline = try db.cachedStatement(sql: """
            INSERT INTO timeline (incident_id, at, kind, by, text, signal_id, alert_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in timeline {
            try insertTimeline.execute(arguments: [
                entry.incidentID, entry.at.milliseconds, entry.kind.rawValue, entry.by, entry.text, entry.signalID, entry.alertID,
            ])
        }
    }
}
