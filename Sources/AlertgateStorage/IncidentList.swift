import AlertgateCore
import GRDB

/// An incident's rows of one table (its alerts, its signals), listed by id rather than indexed
/// by incident (v18). An index by incident put every new row's entry on its incident's own leaf,
/// a page to write again per incident a commit touched; the incident's row is mostly written in
/// that commit anyway (its counts change).
///
/// - The newest ids are text in the incident's row (`open`, "12,15"), appended by the batch
///   writer (`BatchWriter.writeIncidents`).
/// - Once that text reaches 240 characters, the trigger `incident_lists_filed` moves it into a
///   row of `filed` (the incident, its first id, the ids as a JSON array): a piece, of however
///   many ids the text held (22 to 60 as a rule, fewer the longer the ids; a whole batch's when
///   one batch added more).
///
/// Rows never move to another incident (an alert stays in the incident it was made in, v16; a
/// signal's incident is written once), so a list only grows, until retention deletes it with
/// its incident. Signal ids ascend with every batch committed, so a signals list's pieces are
/// runs of ascending ids, each above the one before, and the ids in the incident's row are
/// above them all: its readers page through windows of pieces (`Window`). An alert list holds
/// the same, but for an alert whose update found no row and that was inserted again
/// (`BatchWriter.writeAlerts`); its readers read it whole.
package struct IncidentList: Sendable {
    /// The table whose rows are listed.
    let table: String
    /// The table of filed pieces, its first-id column and its ids column.
    let filed: String
    let firstID: String
    let ids: String
    /// The column of `incidents` with the newest ids.
    let open: String

    /// The length of a list's text at which `incident_lists_filed` files it (v18's SQL, frozen,
    /// holds the number itself).
    static let filingLength = 240

    static let alerts = IncidentList(table: "alerts", filed: "incident_alerts", firstID: "first_alert_id", ids: "alert_ids", open: "open_alert_ids")
    static let signals = IncidentList(table: "signals", filed: "incident_signals", firstID: "first_signal_id", ids: "signal_ids",
                                      open: "open_signal_ids")

    /// The ids in the text of list `column` of incidents `incidents` (the SQL of its row).
    static func idsInRow(_ column: String, of incidents: String = "incidents") -> String {
        "json_each('[' || \(incidents).\(column) || ']')"
    }

    /// The ids of incident `?1`'s rows, in no order: those filed, then those in its row.
    var idsOfAnIncident: String { ids(ofPieces: "SELECT \(ids) FROM \(filed) WHERE incident_id = ?1") }

    /// The ids in `pieces` (a query of `filed`'s ids column, named as the column) and, where
    /// `rowToo` holds, those in incident `?1`'s row.
    func ids(ofPieces pieces: String, rowToo: String = "1") -> String {
        """
        SELECT entry.value AS id FROM (\(pieces)) AS pieces CROSS JOIN json_each(pieces.\(ids)) AS entry
        UNION ALL
        SELECT entry.value FROM incidents CROSS JOIN \(Self.idsInRow(open)) AS entry
        WHERE incidents.id = ?1 AND incidents.\(open) IS NOT NULL AND \(rowToo)
        """
    }

    /// A window of incident `?1`'s list, from the newest ids down (`newest`) or the oldest up
    /// (`oldest`): the `?3` pieces nearest beyond id `?2`, and the ids in the incident's row with
    /// the window that reaches them. Readers keep the rows whose id lies beyond `?2` (`beyond`),
    /// in `order`, and take the next window from `end` (NULL: none is left). Every piece of a
    /// window holds an id beyond `?2` (newest: a piece that starts below `?2` holds its first;
    /// oldest: every id of a piece that starts above it is), and the windows follow one another
    /// without gaps: rows read window by window come in order, none missed or read twice. The
    /// oldest are read from `?2` = 0 only: a bound inside a piece would skip that piece.
    struct Window {
        /// The ids, `id`.
        let ids: String
        /// `id` and `?2`, compared as the window goes (`id < ?2`, `id > ?2`).
        let beyond: String
        /// The window's order of ids.
        let order: String
        /// The next window's `?2`, or NULL.
        let end: String
    }

    var newest: Window {
        let pieces = "SELECT \(firstID), \(ids) FROM \(filed) WHERE incident_id = ?1 AND \(firstID) < ?2 ORDER BY \(firstID) DESC LIMIT ?3"
        // The ids in the row are above every piece's: they come with the first window, and
        // `beyond` drops them from the next ones.
        // More pieces below this window's: otherwise there is no next window.
        let more = "EXISTS (SELECT 1 FROM \(filed) WHERE incident_id = ?1 AND \(firstID) < ?2 ORDER BY \(firstID) DESC LIMIT 1 OFFSET ?3)"
        return Window(ids: ids(ofPieces: pieces), beyond: "< ?2", order: "DESC", end: "SELECT min(\(firstID)) FROM (\(pieces)) WHERE \(more)")
    }

    var oldest: Window {
        let pieces = "SELECT \(firstID), \(ids) FROM \(filed) WHERE incident_id = ?1 AND \(firstID) > ?2 ORDER BY \(firstID) LIMIT ?3"
        // More pieces beyond this window's: then the ids in the row wait for a later one.
        let more = "EXISTS (SELECT 1 FROM \(filed) WHERE incident_id = ?1 AND \(firstID) > ?2 ORDER BY \(firstID) LIMIT 1 OFFSET ?3)"
        return Window(ids: ids(ofPieces: pieces, rowToo: "NOT \(more)"), beyond: "> ?2", order: "",
                      end: "SELECT max(\(firstID)) FROM (\(pieces)) WHERE \(more)")
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
                    SELECT entry.value FROM \(filed) CROSS JOIN json_each(\(filed).\(ids)) AS entry
                    WHERE \(filed).incident_id = ?1 AND \(filed).\(firstID) <= ?2)
                """, arguments: [id, last])
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM \(filed) WHERE incident_id = ? AND \(firstID) <= ?", arguments: [id, last])
            return (deleted, false)
        }
        try db.execute(sql: """
            DELETE FROM \(table) WHERE id IN (SELECT entry.value FROM incidents CROSS JOIN \(Self.idsInRow(open)) AS entry WHERE incidents.id = ?)
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

    var incidents: [Int64] { byIncident.keys.sorted() }

    mutating func add(alert id: Int64, to incident: Int64) {
        byIncident[incident, default: ([], [])].alerts.append(id)
    }

    mutating func add(signal id: Int64, to incident: Int64) {
        byIncident[incident, default: ([], [])].signals.append(id)
    }

    /// One incident's additions, as the text its lists take (nil: none).
    struct Text {
        let alerts: String?
        let signals: String?

        /// Whether either reaches the filing length on its own: the list it goes into is then
        /// long enough to be filed.
        var fillsAPiece: Bool { max(alerts?.utf8.count ?? 0, signals?.utf8.count ?? 0) >= IncidentList.filingLength }
    }

    /// Incident `incident`'s additions, taken out.
    mutating func remove(_ incident: Int64) -> Text {
        guard let ids = byIncident.removeValue(forKey: incident) else { return Text(alerts: nil, signals: nil) }
        return Text(alerts: Self.text(ids.alerts), signals: Self.text(ids.signals))
    }

    /// "12,15": the ids ascending, written into one buffer (a string per id, joined, showed in
    /// the writer's profile at a hundred new alerts per POST); nil for none.
    static func text(_ ids: [Int64]) -> String? {
        guard !ids.isEmpty else { return nil }
        // Added in the order of the batch, which is ascending as a rule: sorted only if not.
        let sorted = zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 } ? ids : ids.sorted()
        var out: [UInt8] = []
        out.reserveCapacity(sorted.count * 8)
        for (position, id) in sorted.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: String(id).utf8)  // a small string: no allocation
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The SQL that sets list `column` to itself followed by the ids `value` (NULL: none).
    static func appending(_ column: String, _ value: String) -> String {
        "\(column) = CASE WHEN \(value) IS NULL THEN \(column) ELSE coalesce(\(column) || ',', '') || \(value) END"
    }
}
