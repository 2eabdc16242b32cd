import AlertgateCore
import GRDB

/// An incident's rows of one table (its alerts, its signals), listed by id rather than indexed
/// by incident (v18). An index by incident put every new row's entry on its incident's own leaf,
/// a page to write again per incident a commit touched; the incident's row is written in that
/// commit anyway (its counts change).
///
/// - The newest ids are text in the incident's row (`open`, "12,15"), appended by the batch
///   writer (`BatchWriter.writeIncidents`).
/// - Once that text reaches 240 characters, the trigger `incident_lists_filed` moves it into a
///   row of `filed` (the incident, its first id, the ids as a JSON array). A list in the
///   incident's row holds only ids above those filed, and each filed row a run of ids above the
///   one before it.
///
/// Rows never move to another incident (an alert stays in the incident it was made in, v16; a
/// signal's incident is written once), so a list only grows, until retention deletes it with
/// its incident.
struct IncidentList: Sendable {
    /// The table whose rows are listed.
    let table: String
    /// The table of filed pieces, its first-id column and its ids column.
    let filed: String
    let firstID: String
    let ids: String
    /// The column of `incidents` with the newest ids.
    let open: String

    static let alerts = IncidentList(table: "alerts", filed: "incident_alerts", firstID: "first_alert_id", ids: "alert_ids", open: "open_alert_ids")
    static let signals = IncidentList(table: "signals", filed: "incident_signals", firstID: "first_signal_id", ids: "signal_ids",
                                      open: "open_signal_ids")

    /// The list of `table`, for retention's steps.
    static func of(_ table: String) -> IncidentList {
        switch table {
        case alerts.table: alerts
        case signals.table: signals
        default: preconditionFailure("no incident lists the rows of \(table)")
        }
    }

    /// The ids of incident `?1`'s rows, in no order: those filed, then those in its row.
    var idsOfAnIncident: String { ids(ofPieces: "SELECT \(ids) FROM \(filed) WHERE incident_id = ?1") }

    /// The ids in `pieces` (a query of `filed`'s ids column, named as the column) and those in
    /// incident `?1`'s row.
    func ids(ofPieces pieces: String) -> String {
        """
        SELECT filed.value AS id FROM (\(pieces)) AS pieces CROSS JOIN json_each(pieces.\(ids)) AS filed
        UNION ALL
        SELECT open.value FROM incidents CROSS JOIN json_each('[' || incidents.\(open) || ']') AS open
        WHERE incidents.id = ?1 AND incidents.\(open) IS NOT NULL
        """
    }

    /// Ids of incident `?1`'s rows that may be among its `?3` newest below id `?2`: those in its
    /// row, and the `?3` filed pieces that start below `?2`. Each of those pieces holds an id
    /// below `?2` and every id of an older piece is below all of its, so the `?3` newest ids
    /// below `?2` are among them.
    var newestIDsOfAnIncident: String {
        ids(ofPieces: "SELECT \(ids) FROM \(filed) WHERE incident_id = ?1 AND \(firstID) < ?2 ORDER BY \(firstID) DESC LIMIT ?3")
    }

    /// Ids of incident `?1`'s rows that may be among its `?3` oldest: its `?3` oldest pieces
    /// (and those in its row, newer than any piece). All of them when `?2` is not NULL: a
    /// filter on the rows (`?2`) may skip any number of ids.
    var oldestIDsOfAnIncident: String {
        ids(ofPieces: "SELECT \(ids) FROM \(filed) WHERE incident_id = ?1 ORDER BY \(firstID) LIMIT CASE WHEN ?2 IS NULL THEN ?3 ELSE -1 END")
    }

    /// The first id of the incident that SQL expression `incident` names: that of its first
    /// piece, or the first in its row.
    func firstID(ofIncident incident: String) -> String {
        """
        coalesce((SELECT \(firstID) FROM \(filed) WHERE incident_id = \(incident) ORDER BY \(firstID) LIMIT 1),
                 (SELECT CAST(\(open) AS INTEGER) FROM incidents WHERE id = \(incident)))
        """
    }

    /// Retention: deletes the rows of incident `id`'s first `pieces` filed pieces and the pieces,
    /// or, when none is left, the rows in its row and that list. Returns the rows deleted and
    /// whether the incident lists no more. A piece goes with its rows, so no later step reads
    /// ids whose rows are gone.
    func deleteFirstRows(of id: Int64, pieces: Int, _ db: Database) throws -> (deleted: Int, done: Bool) {
        let firsts = try Int64.fetchAll(db, sql: "SELECT \(firstID) FROM \(filed) WHERE incident_id = ? ORDER BY \(firstID) LIMIT ?",
                                        arguments: [id, pieces])
        if let last = firsts.last {
            try db.execute(sql: """
                DELETE FROM \(table) WHERE id IN (
                    SELECT filed.value FROM \(filed) CROSS JOIN json_each(\(filed).\(ids)) AS filed
                    WHERE \(filed).incident_id = ?1 AND \(filed).\(firstID) <= ?2)
                """, arguments: [id, last])
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM \(filed) WHERE incident_id = ? AND \(firstID) <= ?", arguments: [id, last])
            return (deleted, false)
        }
        try db.execute(sql: """
            DELETE FROM \(table) WHERE id IN (
                SELECT open.value FROM incidents CROSS JOIN json_each('[' || incidents.\(open) || ']') AS open WHERE incidents.id = ?)
            """, arguments: [id])
        let deleted = db.changesCount
        try db.execute(sql: "UPDATE incidents SET \(open) = NULL WHERE id = ?", arguments: [id])
        return (deleted, true)
    }
}

/// The ids of the alerts and signals a batch inserted, by incident: what `BatchWriter` appends
/// to each incident's lists, as the text they hold ("12,15", ascending).
struct IncidentListAdditions {
    private var byIncident: [Int64: (alerts: [Int64], signals: [Int64])] = [:]

    var isEmpty: Bool { byIncident.isEmpty }
    var incidents: [Int64] { byIncident.keys.sorted() }

    mutating func add(alert id: Int64, to incident: Int64) {
        byIncident[incident, default: ([], [])].alerts.append(id)
    }

    mutating func add(signal id: Int64, to incident: Int64) {
        byIncident[incident, default: ([], [])].signals.append(id)
    }

    /// Incident `incident`'s additions as text (nil: none), taken out.
    mutating func remove(_ incident: Int64) -> (alerts: String?, signals: String?) {
        guard let ids = byIncident.removeValue(forKey: incident) else { return (nil, nil) }
        func text(_ ids: [Int64]) -> String? { ids.isEmpty ? nil : ids.sorted().map(String.init).joined(separator: ",") }
        return (text(ids.alerts), text(ids.signals))
    }

    /// The SQL that sets list `column` to itself followed by the ids `value` (NULL: none).
    static func appending(_ column: String, _ value: String) -> String {
        "\(column) = CASE WHEN \(value) IS NULL THEN \(column) ELSE coalesce(\(column) || ',', '') || \(value) END"
    }
}
