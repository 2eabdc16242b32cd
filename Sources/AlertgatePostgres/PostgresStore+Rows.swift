import AlertgateCore
import AlertgateStorage
import PostgresNIO

/// Rows of the PostgreSQL store back into domain values, as `RowDecoding` does for SQLite's;
/// an unknown code is `StoreError.corruptRow`.
extension PostgresStore {
    func alertRows(_ query: PostgresQuery) async throws -> [AlertState] {
        try await rows(query, PostgresStore.alert)
    }

    func incidentRows(_ query: PostgresQuery) async throws -> [IncidentState] {
        try await rows(query, PostgresStore.incident)
    }

    /// The rows of `query` on `connection` (in a transaction), each decoded, every row read.
    func rows<Value>(_ query: PostgresQuery, on connection: PostgresConnection, _ decode: (PostgresRandomAccessRow) throws -> Value)
        async throws -> [Value] {
        var values: [Value] = []
        for try await row in try await connection.query(query, logger: logger) { values.append(try decode(row.makeRandomAccess())) }
        return values
    }

    /// How many rows `query` returned (for a statement with RETURNING: how many it changed).
    func countRows(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> Int {
        if let connection { return try await rows(query, on: connection) { _ in true }.count }
        return try await rows(query) { _ in true }.count
    }

    func rows<Value>(_ query: PostgresQuery, _ decode: (PostgresRandomAccessRow) throws -> Value) async throws -> [Value] {
        var values: [Value] = []
        do {
            for try await row in try await client.query(query, logger: logger) { values.append(try decode(row.makeRandomAccess())) }
        } catch {
            throw Self.described(error)
        }
        return values
    }

    static func alert(_ row: PostgresRandomAccessRow) throws -> AlertState {
        AlertState(
            id: try row["id"].decode(Int64.self), fingerprint: Fingerprint(try row["fingerprint"].decode(String.self)),
            incidentID: try row["incident_id"].decode(Int64.self),
            status: try code(AlertStatus.self, row, "alerts", "status"), kind: try code(SignalKind.self, row, "alerts", "kind"),
            service: try row["service"].decode(String.self), title: try row["title"].decode(String.self),
            severity: try code(Severity.self, row, "alerts", "severity"),
            labels: try JSONText.decode([String: String].self, try row["labels"].decode(String.self)),
            firstSeen: try time(row, "first_seen"), lastSeen: try time(row, "last_seen"), resolvedAt: try time(row, "resolved_at"),
            count: try row["count"].decode(Int64.self), endsAt: try time(row, "ends_at"), flapping: try row["flapping"].decode(Bool.self),
            digest: UInt64(bitPattern: try row["digest"].decode(Int64.self)), runStartedAt: try time(row, "run_started_at"),
            runLastAt: try time(row, "run_last_at"))
    }

    static func incident(_ row: PostgresRandomAccessRow) throws -> IncidentState {
        IncidentState(
            id: try row["id"].decode(Int64.self), key: try row["key"].decode(String.self), title: try row["title"].decode(String.self),
            status: try code(IncidentStatus.self, row, "incidents", "status"),
            severity: try code(IncidentSeverity.self, row, "incidents", "severity"),
            type: try code(IncidentType.self, row, "incidents", "type"), service: try row["service"].decode(String.self),
            services: try JSONText.decode([String].self, try row["services"].decode(String.self)),
            owner: try row["owner"].decode(String?.self), detectedBy: try code(DetectedBy.self, row, "incidents", "detected_by"),
            openedAt: try time(row, "opened_at"), acknowledgedAt: try time(row, "acknowledged_at"), resolvedAt: try time(row, "resolved_at"),
            closedAt: try time(row, "closed_at"), lastActivity: try time(row, "last_activity"),
            signalCount: try row["signal_count"].decode(Int64.self), alertCount: try row["alert_count"].decode(Int64.self),
            reportCount: try row["report_count"].decode(Int64.self), classifiedByHand: try row["classified_by_hand"].decode(Bool.self),
            oncall: try row["oncall"].decode(String?.self), ruleSeverity: try code(IncidentSeverity.self, row, "incidents", "rule_severity"),
            holdUntil: try time(row, "hold_until"), labels: try JSONText.decode([String: String].self, try row["labels"].decode(String.self)),
            escalationStep: try row["escalation_step"].decode(Int.self), escalatedAt: try time(row, "escalated_at"))
    }

    static func time(_ row: PostgresRandomAccessRow, _ column: String) throws -> Timestamp {
        Timestamp(milliseconds: try row[column].decode(Int64.self))
    }

    static func time(_ row: PostgresRandomAccessRow, _ column: String) throws -> Timestamp? {
        try row[column].decode(Int64?.self).map { Timestamp(milliseconds: $0) }
    }

    static func code<Value: StoredCode>(_ type: Value.Type, _ row: PostgresRandomAccessRow, _ table: String, _ column: String) throws -> Value {
        let number = try row[column].decode(Int.self)
        guard let value = Value(code: number) else { throw StoreError.corruptRow("\(table).\(column) holds an unknown code \(number)") }
        return value
    }
}
