import AlertgateCompression
import AlertgateCore
import Foundation
import GRDB

extension SQLiteStore {
    public func incident(id: Int64) async throws -> IncidentState? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM incidents WHERE id = ?", arguments: [id]).map(RowDecoding.incident)
        }
    }

    public func incidents(_ query: IncidentQuery) async throws -> [IncidentState] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        func values<T>(_ column: String, _ items: [T], _ code: (T) -> Int) {
            guard !items.isEmpty else { return }
            clauses.append("\(column) IN (\(items.map { _ in "?" }.joined(separator: ",")))")
            for item in items { _ = arguments.append(contentsOf: [code(item)]) }
        }
        values("status", query.statuses, \.code)
        values("severity", query.severities, \.code)
        values("type", query.types, \.code)
        if let since = query.since { clauses.append("opened_at >= ?"); _ = arguments.append(contentsOf: [since.milliseconds]) }
        if let until = query.until { clauses.append("opened_at < ?"); _ = arguments.append(contentsOf: [until.milliseconds]) }
        if let text = query.text, !text.isEmpty {
            clauses.append("(title LIKE ? ESCAPE '\\' OR key LIKE ? ESCAPE '\\')")
            let pattern = "%\(Self.likeEscaped(text))%"
            _ = arguments.append(contentsOf: [pattern, pattern])
        }
        let sql: String
        if let service = query.service {
            // A service's incidents, newest first, are a range of `incident_services`' key
            // (migration v11); CROSS JOIN keeps that table the outer loop, so the other filters
            // test only this service's incidents.
            if let before = query.beforeID { clauses.append("listed.incident_id < ?"); _ = arguments.append(contentsOf: [before]) }
            let filters = clauses.map { " AND " + $0 }.joined()
            sql = """
                SELECT incidents.* FROM incident_services AS listed CROSS JOIN incidents ON incidents.id = listed.incident_id
                WHERE listed.service = ?\(filters) ORDER BY listed.incident_id DESC LIMIT ?
                """
            arguments = StatementArguments([service]) + arguments
        } else {
            if let before = query.beforeID { clauses.append("id < ?"); _ = arguments.append(contentsOf: [before]) }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            sql = "SELECT * FROM incidents \(whereSQL) ORDER BY id DESC LIMIT ?"
        }
        _ = arguments.append(contentsOf: [query.limit])
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: finalArguments).map(RowDecoding.incident)
        }
    }

    public func alerts(incidentID: Int64) async throws -> [AlertState] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT alerts.* FROM (\(IncidentList.alerts.idsOfAnIncident)) AS its CROSS JOIN alerts ON alerts.id = its.id ORDER BY alerts.id
                """, arguments: [incidentID]).map(RowDecoding.alert)
        }
    }

    public func alert(id: Int64) async throws -> AlertState? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]).map(RowDecoding.alert)
        }
    }

    public func signals(alertID: Int64, incidentID: Int64, limit: Int) async throws -> [StoredSignal] {
        try await pool.read { db in
            // Through the incident's list of signals (signals have no index by alert: v4).
            try signals(of: incidentID, IncidentList.signals.newest, beyond: .max, where: "signals.alert_id = ?4", alertID, limit: limit, db)
        }
    }

    public func repeatRuns(alertID: Int64, limit: Int) async throws -> [RepeatRun] {
        try await pool.read { db in
            // The runs that ended, and the open one its row holds (v13).
            try Row.fetchAll(db, sql: """
                SELECT alert_id, started_at, last_at, count, first_payload_id, last_payload_id FROM alert_runs WHERE alert_id = ?1
                UNION ALL
                SELECT id, run_started_at, run_last_at, run_count, run_first_payload_id, run_last_payload_id FROM alerts
                WHERE id = ?1 AND run_count > 0
                ORDER BY started_at DESC LIMIT ?2
                """, arguments: [alertID, limit]).map { row in
                RepeatRun(
                    alertID: row["alert_id"], startedAt: Timestamp(milliseconds: row["started_at"]),
                    lastAt: Timestamp(milliseconds: row["last_at"]), count: row["count"],
                    firstPayloadID: row["first_payload_id"], lastPayloadID: row["last_payload_id"])
            }
        }
    }

    public func firingAlerts(limit: Int) async throws -> [AlertState] {
        try await firingAlertRows(after: 0, limit: limit)
    }

    public func firingAlertRows(after: Int64, limit: Int) async throws -> [AlertState] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alerts WHERE status = 1 AND id > ? ORDER BY id LIMIT ?", arguments: [after, limit])
                .map(RowDecoding.alert)
        }
    }

    public func firingAlertRows(ids: [Int64]) async throws -> [AlertState] {
        let sorted = ids.sorted()
        return try await pool.read { db in
            // In chunks: a statement takes at most 32,766 parameters.
            try stride(from: 0, to: sorted.count, by: 500).flatMap { start in
                let chunk = Array(sorted[start..<min(start + 500, sorted.count)])
                let marks = chunk.map { _ in "?" }.joined(separator: ",")
                return try Row.fetchAll(db, sql: "SELECT * FROM alerts WHERE status = 1 AND id IN (\(marks)) ORDER BY id",
                                        arguments: StatementArguments(chunk)).map(RowDecoding.alert)
            }
        }
    }

    public func noisiestAlerts(from: Timestamp, to: Timestamp, flapping: Bool, limit: Int) async throws -> [AlertState] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM alerts WHERE last_seen >= ? AND first_seen < ? AND (? = 0 OR flapping = 1) ORDER BY count DESC, id LIMIT ?
                """, arguments: [from.milliseconds, to.milliseconds, flapping, limit]).map(RowDecoding.alert)
        }
    }

    public func timeline(incidentID: Int64) async throws -> [StoredTimelineEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.timelineOfAnIncident, arguments: [incidentID]).map(RowDecoding.timeline)
        }
    }

    /// The timeline of incident `?1`: its own lines by `timeline_of_incidents`, its alerts'
    /// by their ids (its list, v18) and `timeline_of_alerts` (v17: an alert stays in the
    /// incident it was made in, and its lines are of that incident).
    static let timelineOfAnIncident = """
        SELECT \(RowDecoding.timelineColumns) FROM timeline WHERE incident_id = ?1 AND alert_id IS NULL
        UNION ALL
        SELECT \(RowDecoding.timelineColumns) FROM (\(IncidentList.alerts.idsOfAnIncident)) AS its CROSS JOIN timeline ON timeline.alert_id = its.id
        WHERE timeline.alert_id IS NOT NULL AND timeline.incident_id = ?1
        ORDER BY at, id
        """

    public func signals(incidentID: Int64, beforeID: Int64?, limit: Int) async throws -> [StoredSignal] {
        try await pool.read { db in
            try signals(of: incidentID, IncidentList.signals.newest, beyond: beforeID ?? .max, limit: limit, db)
        }
    }

    /// Incident `incidentID`'s first `limit` signals beyond id `bound` in the order of `window`
    /// that `condition` keeps (SQL on `signals`, given `value` as `?4`; nil: all), a window of
    /// its list at a time, so that reading stops once `limit` are found. The ids are chosen
    /// first; only the page's rows are read whole.
    private func signals(
        of incidentID: Int64, _ window: IncidentList.Window, beyond bound: Int64, where condition: String? = nil,
        _ value: (any DatabaseValueConvertible)? = nil, limit: Int, _ db: Database
    ) throws -> [StoredSignal] {
        // A piece holds 22 to 60 ids as a rule: a page without a condition is mostly one window.
        let pieces = condition == nil ? limit / 16 + 1 : 16
        let ids = if let condition {
            """
            SELECT signals.id AS id FROM (\(window.ids)) AS its CROSS JOIN signals ON signals.id = its.id
            WHERE its.id \(window.beyond) AND (\(condition)) ORDER BY signals.id \(window.order) LIMIT ?5
            """
        } else {
            "SELECT its.id AS id FROM (\(window.ids)) AS its WHERE its.id \(window.beyond) ORDER BY its.id \(window.order) LIMIT ?5"
        }
        let read = """
            SELECT \(RowDecoding.signalColumns) FROM (\(ids)) AS page CROSS JOIN signals ON signals.id = page.id
            ORDER BY signals.id \(window.order)
            """
        // A window short of the limit has given all it holds: every listed id has its row
        // (retention deletes a piece with its rows, and signals of no incident are not listed).
        var found: [StoredSignal] = []
        var bound = bound
        while found.count < limit {
            found += try Row.fetchAll(db, sql: read, arguments: [incidentID, bound, pieces, value, limit - found.count])
                .map { try RowDecoding.signal($0, in: db, templates: whyTemplates) }
            guard found.count < limit, let next = try Int64.fetchOne(db, sql: window.end, arguments: [incidentID, bound, pieces]) else { break }
            bound = next
        }
        return found
    }

    public func signal(id: Int64) async throws -> StoredSignal? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(RowDecoding.signalColumns) FROM signals WHERE id = ?", arguments: [id]).map { try RowDecoding.signal($0, in: db, templates: whyTemplates) }
        }
    }

    public func firstSignals(incidentID: Int64, kind: SignalKind?, limit: Int) async throws -> [StoredSignal] {
        try await pool.read { db in
            try signals(of: incidentID, IncidentList.signals.oldest, beyond: 0, where: kind.map { _ in "signals.kind = ?4" }, kind?.code,
                        limit: limit, db)
        }
    }

    public func firstSignalSources(incidentIDs: [Int64]) async throws -> [Int64: SignalSource] {
        guard !incidentIDs.isEmpty else { return [:] }
        let ids = JSONText.encode(incidentIDs)
        return try await pool.read { db in
            // Each incident's first signal id from its list, then its row; an incident without
            // signals joins nothing and has no row.
            let rows = try Row.fetchAll(db, sql: """
                SELECT ids.value AS incident_id, s.source FROM json_each(?) AS ids
                JOIN signals AS s ON s.id = \(IncidentList.signals.firstID(ofIncident: "ids.value"))
                """, arguments: [ids])
            return Dictionary(try rows.map { row in (row["incident_id"] as Int64, try RowDecoding.code(SignalSource(code: row["source"]), "signals.source", row)) },
                              uniquingKeysWith: { first, _ in first })
        }
    }

    public func payload(id: Int64) async throws -> RawPayload? {
        let rows = try await pool.read { db -> (payload: Row, dictionary: Row?)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM payloads WHERE id = ?", arguments: [id]) else { return nil }
            guard let dictionaryID: Int64 = row["dictionary_id"] else { return (row, nil) }
            guard let dictionary = try Row.fetchOne(db, sql: "SELECT * FROM payloads WHERE id = ?", arguments: [dictionaryID]) else {
                throw StoreError.corruptRow("payload \(id) is compressed against payload \(dictionaryID), which does not exist")
            }
            return (row, dictionary)
        }
        guard let rows else { return nil }
        let row = rows.payload
        let dictionary = try rows.dictionary.map { try Self.originalBytes(of: $0, dictionary: nil) }
        return RawPayload(
            id: row["id"], source: try RowDecoding.code(SignalSource(code: row["source"]), "payloads.source", row),
            contentType: row["content_type"], receivedAt: Timestamp(milliseconds: row["received_at"]),
            bytes: try Self.originalBytes(of: row, dictionary: dictionary))
    }

    /// The original bytes of a payload row; `dictionary` holds those of its dictionary payload.
    private static func originalBytes(of row: Row, dictionary: [UInt8]?) throws -> [UInt8] {
        try StoredPayload.originalBytes(id: row["id"], encoding: row["encoding"], size: row["size"], data: [UInt8](row["data"] as Data),
                                        dictionary: dictionary)
    }

    public func changes(services: [String], from: Timestamp, to: Timestamp, limit: Int) async throws -> [StoredChange] {
        guard !services.isEmpty else { return [] }
        let marks = services.map { _ in "?" }.joined(separator: ",")
        var arguments = StatementArguments(services)
        _ = arguments.append(contentsOf: [from.milliseconds, to.milliseconds, limit])
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM changes WHERE service IN (\(marks)) AND at >= ? AND at <= ? ORDER BY at DESC LIMIT ?
                """, arguments: finalArguments).map(RowDecoding.change)
        }
    }

    public func transitions(after sequence: Int64, limit: Int) async throws -> [StoredTransition] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM transitions WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [sequence, limit])
                .map(RowDecoding.transition)
        }
    }

    public func counts() async throws -> StoreCounts {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM signals) AS signals, (SELECT count(*) FROM alerts) AS alerts,
                       (SELECT count(*) FROM incidents) AS incidents,
                       (SELECT count(*) FROM incidents WHERE status IN (1, 2)) AS open_incidents,
                       (SELECT coalesce(sum(length(data)), 0) FROM payloads) AS payload_bytes,
                       (SELECT coalesce(sum(size), 0) FROM payloads) AS original_bytes,
                       (SELECT coalesce(sum(count), 0) FROM alert_runs) + (SELECT coalesce(sum(run_count), 0) FROM alerts) AS repeats_folded
                """)!
            return StoreCounts(signals: row["signals"], alerts: row["alerts"], incidents: row["incidents"],
                               openIncidents: row["open_incidents"], payloadBytes: row["payload_bytes"], originalBytes: row["original_bytes"],
                               repeatsFolded: row["repeats_folded"])
        }
    }

    public func openIncidentsBySeverity() async throws -> [IncidentSeverity: Int] {
        try await pool.read { db in
            var open: [IncidentSeverity: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT severity, count(*) AS n FROM incidents WHERE status IN (1, 2) GROUP BY severity") {
                if let severity = IncidentSeverity(code: row["severity"]) { open[severity] = row["n"] }
            }
            return open
        }
    }

    package static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
