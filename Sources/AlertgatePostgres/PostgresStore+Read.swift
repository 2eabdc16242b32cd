import AlertgateCore
import AlertgateStorage
import NIOCore
import PostgresNIO

/// The queries of the API, the console and the status page on the PostgreSQL store: those of
/// `SQLiteStore+Read`, with PostgreSQL's parameters.
extension PostgresStore: StoreReader {
    public func incident(id: Int64) async throws -> IncidentState? {
        try await incidentRows("SELECT * FROM incidents WHERE id = \(id)").first
    }

    public func incidents(_ query: IncidentQuery) async throws -> [IncidentState] {
        // Each filter is a parameter that, when empty, lets every row through: one statement
        // for every combination.
        let text = query.text.flatMap { $0.isEmpty ? nil : "%\(SQLiteStore.likeEscaped($0))%" }
        return try await incidentRows("""
            SELECT incidents.* FROM incidents
            WHERE (\(query.service)::text IS NULL OR id IN (SELECT incident_id FROM incident_services WHERE service = \(query.service)::text))
              AND (cardinality(\(query.statuses.map(\.code))::bigint[]) = 0 OR status = ANY(\(query.statuses.map(\.code))::bigint[]))
              AND (cardinality(\(query.severities.map(\.code))::bigint[]) = 0 OR severity = ANY(\(query.severities.map(\.code))::bigint[]))
              AND (cardinality(\(query.types.map(\.code))::bigint[]) = 0 OR type = ANY(\(query.types.map(\.code))::bigint[]))
              AND (\(query.since?.milliseconds)::bigint IS NULL OR opened_at >= \(query.since?.milliseconds)::bigint)
              AND (\(query.until?.milliseconds)::bigint IS NULL OR opened_at < \(query.until?.milliseconds)::bigint)
              AND (\(text)::text IS NULL OR title ILIKE \(text)::text OR key ILIKE \(text)::text)
              AND (\(query.beforeID)::bigint IS NULL OR id < \(query.beforeID)::bigint)
            ORDER BY id DESC LIMIT \(query.limit)
            """)
    }

    public func alerts(incidentID: Int64) async throws -> [AlertState] {
        try await alertRows("SELECT * FROM alerts WHERE incident_id = \(incidentID) ORDER BY id")
    }

    public func alert(id: Int64) async throws -> AlertState? {
        try await alertRows("SELECT * FROM alerts WHERE id = \(id)").first
    }

    public func signals(alertID: Int64, incidentID: Int64, limit: Int) async throws -> [StoredSignal] {
        try await rows("""
            SELECT * FROM signals WHERE incident_id = \(incidentID) AND alert_id = \(alertID) ORDER BY id DESC LIMIT \(limit)
            """, Self.signal)
    }

    public func repeatRuns(alertID: Int64, limit: Int) async throws -> [RepeatRun] {
        try await rows("""
            SELECT alert_id, started_at, last_at, count, first_payload_id, last_payload_id FROM alert_runs WHERE alert_id = \(alertID)
            UNION ALL
            SELECT id, run_started_at, run_last_at, run_count, run_first_payload_id, run_last_payload_id FROM alerts
            WHERE id = \(alertID) AND run_count > 0
            ORDER BY started_at DESC LIMIT \(limit)
            """) { row in
            RepeatRun(alertID: try row["alert_id"].decode(Int64.self), startedAt: try Self.time(row, "started_at"),
                      lastAt: try Self.time(row, "last_at"), count: try row["count"].decode(Int64.self),
                      firstPayloadID: try row["first_payload_id"].decode(Int64.self), lastPayloadID: try row["last_payload_id"].decode(Int64.self))
        }
    }

    public func firingAlerts(limit: Int) async throws -> [AlertState] {
        try await firingAlertRows(after: 0, limit: limit)
    }

    public func noisiestAlerts(from: Timestamp, to: Timestamp, flapping: Bool, limit: Int) async throws -> [AlertState] {
        try await alertRows("""
            SELECT * FROM alerts WHERE last_seen >= \(from.milliseconds) AND first_seen < \(to.milliseconds) AND (NOT \(flapping) OR flapping)
            ORDER BY count DESC, id LIMIT \(limit)
            """)
    }

    public func timeline(incidentID: Int64) async throws -> [StoredTimelineEntry] {
        // As SQLite's: the incident's own lines by incident, its alerts' by alert (v5).
        try await rows("""
            SELECT * FROM timeline WHERE incident_id = \(incidentID) AND alert_id IS NULL
            UNION ALL
            SELECT t.* FROM alerts a JOIN timeline t ON t.alert_id = a.id
            WHERE a.incident_id = \(incidentID) AND t.alert_id IS NOT NULL AND t.incident_id = \(incidentID)
            ORDER BY at, id
            """) { row in
            let kind = try row["kind"].decode(String.self)
            guard let known = TimelineEntry.Kind(rawValue: kind) else { throw StoreError.corruptRow("timeline.kind holds an unknown kind \(kind)") }
            return StoredTimelineEntry(id: try row["id"].decode(Int64.self), entry: TimelineEntry(
                incidentID: try row["incident_id"].decode(Int64.self), at: try Self.time(row, "at"), kind: known,
                by: try row["by"].decode(String?.self), text: try row["text"].decode(String?.self),
                signalID: try row["signal_id"].decode(Int64?.self), alertID: try row["alert_id"].decode(Int64?.self),
                isPublic: try row["public"].decode(Bool.self)))
        }
    }

    public func signals(incidentID: Int64, beforeID: Int64?, limit: Int) async throws -> [StoredSignal] {
        try await rows("""
            SELECT * FROM signals WHERE incident_id = \(incidentID) AND id < \(beforeID ?? Int64.max) ORDER BY id DESC LIMIT \(limit)
            """, Self.signal)
    }

    public func signal(id: Int64) async throws -> StoredSignal? {
        try await rows("SELECT * FROM signals WHERE id = \(id)", Self.signal).first
    }

    public func firstSignals(incidentID: Int64, kind: SignalKind?, limit: Int) async throws -> [StoredSignal] {
        try await rows("""
            SELECT * FROM signals WHERE incident_id = \(incidentID) AND (\(kind?.code)::bigint IS NULL OR kind = \(kind?.code)::bigint) ORDER BY id LIMIT \(limit)
            """, Self.signal)
    }

    public func firstSignalSources(incidentIDs: [Int64]) async throws -> [Int64: SignalSource] {
        guard !incidentIDs.isEmpty else { return [:] }
        // An incident without signals joins nothing and has no row.
        let pairs = try await rows("""
            SELECT ids.id AS incident_id, first.source FROM unnest(\(incidentIDs)::bigint[]) AS ids(id)
            JOIN LATERAL (SELECT source FROM signals WHERE incident_id = ids.id ORDER BY id LIMIT 1) AS first ON true
            """) { row in (try row["incident_id"].decode(Int64.self), try Self.code(SignalSource.self, row, "signals", "source")) }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    public func payload(id: Int64) async throws -> RawPayload? {
        struct Stored {
            var id: Int64, source: Int, contentType: String, receivedAt: Timestamp, encoding: Int, size: Int, data: [UInt8], dictionaryID: Int64?
        }
        let decode: (PostgresRandomAccessRow) throws -> Stored = { row in
            Stored(id: try row["id"].decode(Int64.self), source: try row["source"].decode(Int.self),
                   contentType: try row["content_type"].decode(String.self), receivedAt: try Self.time(row, "received_at"),
                   encoding: try row["encoding"].decode(Int.self), size: try row["size"].decode(Int.self),
                   data: Array(try row["data"].decode(ByteBuffer.self).readableBytesView), dictionaryID: try row["dictionary_id"].decode(Int64?.self))
        }
        guard let payload = try await rows("SELECT * FROM payloads WHERE id = \(id)", decode).first else { return nil }
        var dictionary: [UInt8]?
        if let dictionaryID = payload.dictionaryID {
            guard let base = try await rows("SELECT * FROM payloads WHERE id = \(dictionaryID)", decode).first else {
                throw StoreError.corruptRow("payload \(id) is compressed against payload \(dictionaryID), which does not exist")
            }
            dictionary = try StoredPayload.originalBytes(id: base.id, encoding: base.encoding, size: base.size, data: base.data, dictionary: nil)
        }
        guard let source = SignalSource(code: payload.source) else { throw StoreError.corruptRow("payloads.source holds an unknown code \(payload.source)") }
        return RawPayload(id: payload.id, source: source, contentType: payload.contentType, receivedAt: payload.receivedAt,
                          bytes: try StoredPayload.originalBytes(id: payload.id, encoding: payload.encoding, size: payload.size,
                                                                 data: payload.data, dictionary: dictionary))
    }

    public func changes(services: [String], from: Timestamp, to: Timestamp, limit: Int) async throws -> [StoredChange] {
        guard !services.isEmpty else { return [] }
        return try await rows("""
            SELECT * FROM changes WHERE service = ANY(\(services)) AND at >= \(from.milliseconds) AND at <= \(to.milliseconds)
            ORDER BY at DESC LIMIT \(limit)
            """) { row in
            StoredChange(
                signalID: try row["signal_id"].decode(Int64.self), service: try row["service"].decode(String.self),
                title: try row["title"].decode(String.self), description: try row["description"].decode(String?.self),
                at: try Self.time(row, "at"), sender: try row["sender"].decode(String?.self),
                links: try JSONText.decode([SignalLink].self, try row["links"].decode(String.self)))
        }
    }

    public func transitions(after sequence: Int64, limit: Int) async throws -> [StoredTransition] {
        try await rows("SELECT * FROM transitions WHERE seq > \(sequence) ORDER BY seq LIMIT \(limit)") { row in
            StoredTransition(sequence: try row["seq"].decode(Int64.self), transition: Transition(
                kind: try Self.code(Transition.Kind.self, row, "transitions", "kind"), at: try Self.time(row, "at"),
                incidentID: try row["incident_id"].decode(Int64.self), alertID: try row["alert_id"].decode(Int64?.self),
                severity: try Self.code(IncidentSeverity.self, row, "transitions", "severity"), detail: try row["detail"].decode(String?.self)))
        }
    }

    public func counts() async throws -> StoreCounts {
        let counts = try await rows("""
            SELECT (SELECT count(*) FROM signals), (SELECT count(*) FROM alerts), (SELECT count(*) FROM incidents),
                   (SELECT count(*) FROM incidents WHERE status IN (1, 2)),
                   (SELECT coalesce(sum(length(data)), 0)::bigint FROM payloads), (SELECT coalesce(sum(size), 0)::bigint FROM payloads),
                   (SELECT coalesce(sum(count), 0)::bigint FROM alert_runs) + (SELECT coalesce(sum(run_count), 0)::bigint FROM alerts)
            """) { row in
            StoreCounts(signals: try row[0].decode(Int64.self), alerts: try row[1].decode(Int64.self), incidents: try row[2].decode(Int64.self),
                        openIncidents: try row[3].decode(Int64.self), payloadBytes: try row[4].decode(Int64.self),
                        originalBytes: try row[5].decode(Int64.self), repeatsFolded: try row[6].decode(Int64.self))
        }
        return counts[0]
    }

    public func openIncidentsBySeverity() async throws -> [IncidentSeverity: Int] {
        var open: [IncidentSeverity: Int] = [:]
        for (code, count) in try await rows("SELECT severity, count(*) FROM incidents WHERE status IN (1, 2) GROUP BY severity", { row in
            (try row[0].decode(Int.self), try row[1].decode(Int.self))
        }) {
            if let severity = IncidentSeverity(code: code) { open[severity] = count }
        }
        return open
    }

    static func signal(_ row: PostgresRandomAccessRow) throws -> StoredSignal {
        StoredSignal(
            id: try row["id"].decode(Int64.self), payloadID: try row["payload_id"].decode(Int64.self), item: try row["item"].decode(Int.self),
            kind: try code(SignalKind.self, row, "signals", "kind"), source: try code(SignalSource.self, row, "signals", "source"),
            status: try code(SignalStatus.self, row, "signals", "status"), decision: try code(Decision.self, row, "signals", "decision"),
            severity: try code(Severity.self, row, "signals", "severity"), receivedAt: try time(row, "received_at"), at: try time(row, "at"),
            alertID: try row["alert_id"].decode(Int64?.self), incidentID: try row["incident_id"].decode(Int64?.self),
            fingerprint: try row["fingerprint"].decode(String.self), service: try row["service"].decode(String.self),
            title: try row["title"].decode(String.self), why: try JSONText.decode(Why.self, try row["why"].decode(String.self)))
    }
}
