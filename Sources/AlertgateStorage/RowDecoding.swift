import AlertgateCore
import GRDB

/// Turns stored rows back into domain values. A row that no longer decodes (an unknown
/// code) is a bug in a migration, reported as `StoreError.corruptRow`.
package enum RowDecoding {
    static func alert(_ row: Row) throws -> AlertState {
        AlertState(
            id: row["id"], fingerprint: Fingerprint(row["fingerprint"]), incidentID: row["incident_id"],
            status: try code(AlertStatus(code: row["status"]), "alerts.status", row),
            kind: try code(SignalKind(code: row["kind"]), "alerts.kind", row),
            service: row["service"], title: row["retitled"] ?? row["title"],
            severity: try code(Severity(code: row["severity"]), "alerts.severity", row),
            labels: try LabelsText.decode(row["labels"]),
            firstSeen: Timestamp(milliseconds: row["first_seen"]), lastSeen: Timestamp(milliseconds: row["last_seen"]),
            resolvedAt: time(row["resolved_at"]), count: row["count"], endsAt: time(row["ends_at"]), flapping: row["flapping"],
            digest: UInt64(bitPattern: row["digest"]), runStartedAt: time(row["run_started_at"]),
            runLastAt: time(row["run_last_at"]))
    }

    static func incident(_ row: Row) throws -> IncidentState {
        IncidentState(
            id: row["id"], key: row["key"], title: row["title"],
            status: try code(IncidentStatus(code: row["status"]), "incidents.status", row),
            severity: try code(IncidentSeverity(code: row["severity"]), "incidents.severity", row),
            type: try code(IncidentType(code: row["type"]), "incidents.type", row),
            service: row["service"], services: try JSONText.decode([String].self, row["services"]), owner: row["owner"],
            detectedBy: try code(DetectedBy(code: row["detected_by"]), "incidents.detected_by", row),
            openedAt: Timestamp(milliseconds: row["opened_at"]), acknowledgedAt: time(row["acknowledged_at"]),
            resolvedAt: time(row["resolved_at"]), closedAt: time(row["closed_at"]),
            lastActivity: Timestamp(milliseconds: row["last_activity"]), signalCount: row["signal_count"],
            alertCount: row["alert_count"], reportCount: row["report_count"], classifiedByHand: row["classified_by_hand"],
            oncall: row["oncall"], ruleSeverity: try code(IncidentSeverity(code: row["rule_severity"]), "incidents.rule_severity", row),
            holdUntil: time(row["hold_until"]), labels: try JSONText.decode([String: String].self, row["labels"]),
            escalationStep: row["escalation_step"], escalatedAt: time(row["escalated_at"]))
    }

    /// A notification row joined with its transition (`t_at`, `t_detail`).
    static func notification(_ row: Row) throws -> StoredNotification {
        let repeatMS: Int64? = row["repeat_ms"]
        let created = Timestamp(milliseconds: row["created_at"])
        return StoredNotification(
            id: row["id"], transitionSequence: row["transition_seq"],
            kind: try code(Transition.Kind(code: row["kind"]), "notifications.kind", row),
            transitionAt: time(row["t_at"]) ?? created, detail: row["t_detail"], incidentID: row["incident_id"],
            receiver: row["receiver"], route: row["route"], isRepeat: row["is_repeat"], createdAt: created,
            dueAt: Timestamp(milliseconds: row["due_at"]),
            status: try code(StoredNotification.Status(code: row["status"]), "notifications.status", row),
            attempts: row["attempts"], lastAttemptAt: time(row["last_attempt_at"]), lastError: row["last_error"],
            deliveredAt: time(row["delivered_at"]), repeatInterval: repeatMS.map { .milliseconds($0) })
    }

    static func transition(_ row: Row) throws -> StoredTransition {
        StoredTransition(sequence: row["seq"], transition: Transition(
            kind: try code(Transition.Kind(code: row["kind"]), "transitions.kind", row),
            at: Timestamp(milliseconds: row["at"]), incidentID: row["incident_id"], alertID: row["alert_id"],
            severity: try code(IncidentSeverity(code: row["severity"]), "transitions.severity", row),
            detail: row["detail"]))
    }

    /// A signal row selected with `signalColumns`; `db` and `templates` read its reason's
    /// template (`WhyText`).
    static func signal(_ row: Row, in db: Database, templates: WhyTemplates) throws -> StoredSignal {
        let alertFingerprint: String? = row["alert_fingerprint"]
        let fromAlert: Int64 = row["from_alert"]
        return StoredSignal(
            id: row["id"], payloadID: row["payload_id"], item: row["item"],
            kind: try code(SignalKind(code: row["kind"]), "signals.kind", row),
            source: try code(SignalSource(code: row["source"]), "signals.source", row),
            status: try code(SignalStatus(code: row["status"]), "signals.status", row),
            decision: try code(Decision(code: row["decision"]), "signals.decision", row),
            severity: try code(Severity(code: row["severity"]), "signals.severity", row),
            receivedAt: Timestamp(milliseconds: row["received_at"]), at: Timestamp(milliseconds: row["at"]),
            alertID: row["alert_id"], incidentID: row["incident_id"], fingerprint: alertFingerprint ?? row["fingerprint"],
            service: fromAlert & SignalFromAlert.service != 0 ? try fromItsAlert(row, "alert_service") : row["service"],
            title: fromAlert & SignalFromAlert.title != 0 ? try fromItsAlert(row, "alert_title") : row["title"],
            why: try WhyText.decode(row["why"]) { try templates.template(id: $0, in: db) })
    }

    /// A signal's columns, with its fingerprint, title and service read from its alert where
    /// the row leaves them out (migration v13).
    static let signalColumns = """
        signals.*, CASE WHEN signals.fingerprint = '' AND signals.alert_id IS NOT NULL
                        THEN (SELECT fingerprint FROM alerts WHERE alerts.id = signals.alert_id) END AS alert_fingerprint,
        CASE WHEN signals.from_alert & 1 THEN (SELECT title FROM alerts WHERE alerts.id = signals.alert_id) END AS alert_title,
        CASE WHEN signals.from_alert & 2 THEN (SELECT service FROM alerts WHERE alerts.id = signals.alert_id) END AS alert_service
        """

    /// A signal's text that its row leaves to its alert's (`SignalFromAlert`).
    private static func fromItsAlert(_ row: Row, _ column: String) throws -> String {
        guard let text: String = row[column] else {
            throw StoreError.corruptRow("signal \(row["id"] as Int64? ?? 0) reads \(column) from alert \(row["alert_id"] as Int64? ?? 0), which does not exist")
        }
        return text
    }

    /// The title of the signal of id `id` (an SQL expression), read from its alert where its
    /// row leaves it out.
    static func signalTitle(id: String) -> String {
        """
        (SELECT CASE WHEN s.from_alert & 1 THEN (SELECT a.title FROM alerts AS a WHERE a.id = s.alert_id) ELSE s.title END
         FROM signals AS s WHERE s.id = \(id))
        """
    }

    /// A timeline row's columns, its text read from its signal's title where the row leaves it
    /// out (migration v13).
    static let timelineColumns = """
        timeline.id, timeline.incident_id, timeline.at, timeline.kind, timeline.by, timeline.signal_id, timeline.alert_id, timeline.public,
        CASE WHEN timeline.text_is_signal_title = 1 THEN \(signalTitle(id: "timeline.signal_id")) ELSE timeline.text END AS text
        """

    static func timeline(_ row: Row) throws -> StoredTimelineEntry {
        StoredTimelineEntry(id: row["id"], entry: TimelineEntry(
            incidentID: row["incident_id"], at: Timestamp(milliseconds: row["at"]),
            kind: try code(TimelineEntry.Kind(rawValue: row["kind"]), "timeline.kind", row),
            by: row["by"], text: row["text"], signalID: row["signal_id"], alertID: row["alert_id"], isPublic: row["public"]))
    }

    static func change(_ row: Row) throws -> StoredChange {
        StoredChange(
            signalID: row["signal_id"], service: row["service"], title: row["title"], description: row["description"],
            at: Timestamp(milliseconds: row["at"]), sender: row["sender"],
            links: try JSONText.decode([SignalLink].self, row["links"]))
    }

    static func silence(_ row: Row) throws -> Silence {
        let matchers = try silenceMatchers(row["matchers"])
        return Silence(id: row["id"], matchers: matchers, startsAt: Timestamp(milliseconds: row["starts_at"]),
                       endsAt: Timestamp(milliseconds: row["ends_at"]), createdBy: row["created_by"], comment: row["comment"],
                       updatedAt: Timestamp(milliseconds: row["updated_at"]), configKey: row["config_key"])
    }

    /// `silences.matchers`: a JSON list of matchers in Alertmanager's text form.
    package static func silenceMatchers(_ json: String) throws -> [LabelMatcher] {
        try JSONText.decode([String].self, json).map { text in
            do { return try LabelMatcher(parsing: text) } catch { throw StoreError.corruptRow("silences.matchers holds `\(text)`: \(error)") }
        }
    }

    static func time(_ value: Int64?) -> Timestamp? {
        value.map { Timestamp(milliseconds: $0) }
    }

    static func code<T>(_ value: T?, _ column: String, _ row: Row) throws -> T {
        guard let value else { throw StoreError.corruptRow("\(column) holds an unknown code in \(row)") }
        return value
    }
}

/// The bits of `signals.from_alert` (migration v13): which of a signal's texts its row leaves
/// to its alert's.
enum SignalFromAlert {
    /// Its title is its alert's `title`, the one the alert was created with.
    static let title: Int64 = 1
    /// Its service is its alert's `service`.
    static let service: Int64 = 2
}

/// A stored row that does not decode.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case corruptRow(String)
    /// A batch asked for a row it cannot make: the pipeline's outcome broke a rule of the
    /// writer's (never expected); the transaction rolls back and the correlator is rebuilt.
    case incompleteBatch(String)
    /// The file is not an SQLite database (or is damaged beyond opening).
    case notADatabase(path: String, detail: String)
    /// An SQLite database of something else: tables, and no alertgate schema history.
    case foreignDatabase(path: String, tables: [String])
    /// Written by a newer alertgate: schema versions this build does not know.
    case newerSchema(path: String, unknown: [String])
    /// A `storage.url` that does not name a database alertgate can reach.
    case badURL(String)
    /// The database server refused or failed a statement, or could not be reached.
    case database(String)

    public var description: String {
        switch self {
        case .corruptRow(let detail): "a stored row does not decode: \(detail)"
        case .incompleteBatch(let detail): "a batch cannot be written: \(detail)"
        case .notADatabase(let path, let detail):
            "\(path) is not an alertgate database, or is damaged (\(detail)): restore a backup (alertgate db backup) or choose another storage.path"
        case .foreignDatabase(let path, let tables):
            "\(path) is an SQLite database of something else (tables \(tables.prefix(5).joined(separator: ", "))): alertgate does not write into it; choose another storage.path"
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer alertgate (schema \(unknown.joined(separator: ", "))): run that version, or restore a backup made before the upgrade"
        case .badURL(let detail): "storage.url: \(detail)"
        case .database(let detail): "the database: \(detail)"
        }
    }
}
