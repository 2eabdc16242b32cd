import AlertgateCore
import GRDB

/// A stored value as `alertgate db copy` carries it out of SQLite.
package enum PortableValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// A table in the form every store shares: the PostgreSQL store's columns, in its order, with
/// what SQLite keeps compact spelled out (an alert's current title and labels as JSON, a
/// signal's reason as JSON and its title, service and fingerprint even where its row leaves
/// them to its alert's, a timeline line's text even where it is its signal's title). Tables
/// and columns that a store derives (`incident_services`; an incident's lists, `IncidentList`,
/// for which PostgreSQL keeps its indexes by incident) or keeps for its own compaction
/// (`why_templates`) are not among them.
package struct PortableTable: Sendable {
    package let name: String
    package let columns: [String]
    /// The SQLite expression of the integer key pages are cut by.
    let key: String
    /// `SELECT` of `columns` (or of what `convert` reads) `FROM` the table, without `WHERE`.
    let select: String
    /// A whole row made by decoding it (a signal's); otherwise `columns` are read by name.
    let convert: (@Sendable (Row, Database, WhyTemplates) throws -> [PortableValue])?
    /// Text columns SQLite keeps compact, and the function that spells one out.
    let spelledOut: [String: @Sendable (String) throws -> String]
    /// Keys per page: few for payloads, whose rows are large.
    package let pageKeys: Int64

    init(_ name: String, _ columns: [String], key: String = "id", pageKeys: Int64 = 2_000, select: String? = nil,
         spelledOut: [String: @Sendable (String) throws -> String] = [:],
         convert: (@Sendable (Row, Database, WhyTemplates) throws -> [PortableValue])? = nil) {
        self.name = name
        self.columns = columns
        self.key = key
        self.select = select ?? "SELECT \(columns.joined(separator: ", ")) FROM \(name)"
        self.spelledOut = spelledOut
        self.convert = convert
        self.pageKeys = pageKeys
    }

    /// A row's values in `columns`' order, read by name, compact text spelled out.
    func values(of row: Row, in db: Database, templates: WhyTemplates) throws -> [PortableValue] {
        if let convert { return try convert(row, db, templates) }
        return try columns.map { column in
            let value: DatabaseValue = row[column]
            if let spellOut = spelledOut[column], case .string(let text) = value.storage { return .text(try spellOut(text)) }
            return Self.portable(value)
        }
    }

    /// In an order that suits a store with foreign keys, though none declares them yet.
    package static let all: [PortableTable] = [
        PortableTable("payloads", ["id", "received_at", "source", "content_type", "encoding", "size", "data", "dictionary_id"], pageKeys: 200),
        PortableTable("incidents", [
            "id", "key", "title", "status", "severity", "type", "service", "services", "owner", "detected_by", "opened_at",
            "acknowledged_at", "resolved_at", "closed_at", "last_activity", "signal_count", "alert_count", "report_count",
            "classified_by_hand", "oncall", "rule_severity", "hold_until", "labels", "escalation_step", "escalated_at",
        ]),
        PortableTable("alerts", [
            "id", "fingerprint", "incident_id", "status", "kind", "service", "title", "severity", "labels", "first_seen", "last_seen",
            "resolved_at", "count", "ends_at", "flapping", "digest", "run_started_at", "run_last_at", "run_count",
            "run_first_payload_id", "run_last_payload_id",
        ],  // its current title first: a column read by name is the leftmost of that name
           select: "SELECT coalesce(alerts.retitled, alerts.title) AS title, alerts.* FROM alerts",
           spelledOut: ["labels": { JSONText.encode(try LabelsText.decode($0)) }]),
        PortableTable("alert_runs", ["alert_id", "started_at", "last_at", "count", "first_payload_id", "last_payload_id"], key: "alert_id"),
        PortableTable("signals", [
            "id", "payload_id", "item", "kind", "source", "status", "decision", "severity", "received_at", "at", "alert_id",
            "incident_id", "fingerprint", "service", "title", "why",
        ], key: "signals.id", select: "SELECT \(RowDecoding.signalColumns) FROM signals", convert: { row, db, templates in
            let signal = try RowDecoding.signal(row, in: db, templates: templates)
            return [
                .integer(signal.id), .integer(signal.payloadID), .integer(Int64(signal.item)), .integer(Int64(signal.kind.code)),
                .integer(Int64(signal.source.code)), .integer(Int64(signal.status.code)), .integer(Int64(signal.decision.code)),
                .integer(Int64(signal.severity.code)), .integer(signal.receivedAt.milliseconds), .integer(signal.at.milliseconds),
                signal.alertID.map(PortableValue.integer) ?? .null, signal.incidentID.map(PortableValue.integer) ?? .null,
                .text(signal.fingerprint), .text(signal.service), .text(signal.title), .text(JSONText.encode(signal.why)),
            ]
        }),
        PortableTable("changes", ["signal_id", "service", "title", "description", "at", "sender", "links"], key: "signal_id"),
        PortableTable("timeline", ["id", "incident_id", "at", "kind", "by", "text", "signal_id", "alert_id", "public"],
                      key: "timeline.id", select: "SELECT \(RowDecoding.timelineColumns) FROM timeline"),
        PortableTable("transitions", ["seq", "at", "kind", "incident_id", "alert_id", "severity", "detail"], key: "seq"),
        PortableTable("notifications", [
            "id", "transition_seq", "kind", "incident_id", "receiver", "route", "is_repeat", "created_at", "due_at", "status",
            "attempts", "last_attempt_at", "last_error", "delivered_at", "repeat_ms",
        ]),
        PortableTable("silences", ["id", "matchers", "starts_at", "ends_at", "created_by", "comment", "updated_at", "config_key"]),
        PortableTable("audit", ["id", "at", "actor", "address", "method", "path", "status", "detail"]),
        PortableTable("component_states", ["service", "state", "set_by", "set_at"], key: "rowid"),
        PortableTable("heartbeats", [
            "name", "service", "every_ms", "cron", "grace_ms", "declared", "created_at", "last_ping_at", "started_at", "last_fail_at", "state", "pings",
        ], key: "rowid"),
    ]

    /// A value as it is stored.
    static func portable(_ value: DatabaseValue) -> PortableValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let double): .integer(Int64(double))
        case .string(let text): .text(text)
        case .blob(let data): .blob([UInt8](data))
        }
    }
}

/// The database read at one moment (one read transaction held open), so a copy may run while
/// alertgate writes.
package final class PortableSnapshot: Sendable {
    private let snapshots: DatabaseSnapshot
    private let templates = WhyTemplates()

    init(_ snapshots: DatabaseSnapshot) {
        self.snapshots = snapshots
    }

    package func count(_ table: PortableTable) throws -> Int {
        try snapshots.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0 }
    }

    /// The table's smallest and largest key, or nil when it is empty.
    package func keys(_ table: PortableTable) throws -> ClosedRange<Int64>? {
        try snapshots.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT min(\(table.key)), max(\(table.key)) FROM \(table.name)")
            guard let low: Int64 = row?[0], let high: Int64 = row?[1] else { return nil }
            return low...high
        }
    }

    /// The rows of keys in `keys`, ascending, as the portable form has them.
    package func rows(_ table: PortableTable, keys: ClosedRange<Int64>) throws -> [[PortableValue]] {
        try snapshots.read { db in
            let rows = try Row.fetchAll(db, sql: "\(table.select) WHERE \(table.key) BETWEEN ? AND ? ORDER BY \(table.key)",
                                        arguments: [keys.lowerBound, keys.upperBound])
            return try rows.map { row in try table.values(of: row, in: db, templates: templates) }
        }
    }

    /// What a copy is checked by besides the tables' counts: the rows the store derives, and
    /// the payloads' stored bytes.
    package func derivedCounts() throws -> (incidentServices: Int, payloadBytes: Int64) {
        try snapshots.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM incident_services") ?? 0,
             try Int64.fetchOne(db, sql: "SELECT coalesce(sum(length(data)), 0) FROM payloads") ?? 0)
        }
    }
}

extension SQLiteStore {
    /// A read of the whole database at this moment, for `alertgate db copy`.
    package func portableSnapshot() throws -> PortableSnapshot {
        PortableSnapshot(try pool.makeSnapshot())
    }
}
