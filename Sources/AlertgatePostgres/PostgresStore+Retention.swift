import AlertgateCore
import AlertgateStorage
import PostgresNIO

/// Retention on the PostgreSQL store: what goes with what is `SQLiteStore+Retention`'s, in the
/// same short transactions (at most `batchSize` rows each), each checking again that what it
/// deletes may go. An incident's row is locked (`FOR UPDATE`) while its rows go, so a replica
/// reopening it meanwhile waits, and then finds it reopened and its rows whole.
///
/// PostgreSQL's autovacuum makes the space of deleted rows reusable; alertgate does not shrink
/// the database's files (that needs `VACUUM FULL`, which locks the tables), so
/// `releaseFreePages` releases nothing.
extension PostgresStore: RetentionSteps {
    public func releaseFreePages() async throws -> Int64 { 0 }

    /// The `leases` row of retention: taken when free or run out, renewed by its holder.
    public func takeRetentionLease(now: Timestamp, until: Timestamp) async throws -> Bool {
        try await countRows("""
            INSERT INTO leases (name, holder, until) VALUES ('retention', \(holderID), \(until.milliseconds))
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
            WHERE leases.until < \(now.milliseconds) OR leases.holder = excluded.holder
            RETURNING 1 AS taken
            """) > 0
    }

    // MARK: - Incidents

    package func closedIncidentIDs(after: Int64, closedBefore before: Timestamp, limit: Int) async throws -> [Int64] {
        try await rows("""
            SELECT id FROM incidents WHERE status = \(IncidentStatus.closed.code) AND id > \(after) AND closed_at < \(before.milliseconds)
            ORDER BY id LIMIT \(limit)
            """) { try $0["id"].decode(Int64.self) }
    }

    package func deleteIncident(_ id: Int64, closedBefore before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws {
        for rows in Self.rowsOfAnIncident {
            let table = rows.table
            // The same lookups as SQLite's, each by an index.
            let found = switch rows.foundBy {
            case .incident, .listed: "SELECT ctid FROM \(table) WHERE incident_id = $1 LIMIT $2"
            case .incidentAlone: "SELECT ctid FROM \(table) WHERE incident_id = $1 AND alert_id IS NULL LIMIT $2"
            case .itsAlerts: "SELECT r.ctid FROM alerts a JOIN \(table) r ON r.alert_id = a.id WHERE a.incident_id = $1 AND r.alert_id IS NOT NULL LIMIT $2"
            }
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(batchSize)
            let delete = PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE ctid = ANY(ARRAY(\(found))) RETURNING 1 AS gone", binds: bindings)
            while true {
                guard !Task.isCancelled else { return }
                let deleted = try await inTransaction { connection -> Int? in
                    guard try await mayDelete(incident: id, closedBefore: before, on: connection) else { return nil }
                    return try await countRows(delete, on: connection)
                }
                guard let deleted else { return }
                counts[keyPath: rows.count] += deleted
                if deleted < batchSize { break }
            }
        }
        let deleted = try await inTransaction { connection -> Bool in
            guard try await mayDelete(incident: id, closedBefore: before, on: connection) else { return false }
            return try await countRows("DELETE FROM incidents WHERE id = \(id) RETURNING id", on: connection) > 0
        }
        if deleted { counts.incidents += 1 }
    }

    /// Whether incident `id` is still closed since before `before`, with no firing alert; its
    /// row stays locked until the transaction ends.
    private func mayDelete(incident id: Int64, closedBefore before: Timestamp, on connection: PostgresConnection) async throws -> Bool {
        let closed = try await countRows("""
            SELECT id FROM incidents WHERE id = \(id) AND status = \(IncidentStatus.closed.code) AND closed_at < \(before.milliseconds) FOR UPDATE
            """, on: connection)
        guard closed > 0 else { return false }
        return try await countRows("SELECT id FROM alerts WHERE incident_id = \(id) AND status = \(AlertStatus.firing.code) LIMIT 1",
                              on: connection) == 0
    }

    // MARK: - Signals of no incident

    package func pruneUnattachedSignals(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws {
        while !Task.isCancelled {
            let step = try await inTransaction { connection -> (signals: Int, changes: Int) in
                let ids = try await rows("""
                    SELECT id FROM signals WHERE incident_id IS NULL AND received_at < \(before.milliseconds) ORDER BY received_at LIMIT \(batchSize)
                    """, on: connection) { try $0["id"].decode(Int64.self) }
                guard !ids.isEmpty else { return (0, 0) }
                let changes = try await countRows("DELETE FROM changes WHERE signal_id = ANY(\(ids)) RETURNING signal_id", on: connection)
                let signals = try await countRows("DELETE FROM signals WHERE id = ANY(\(ids)) RETURNING id", on: connection)
                return (signals, changes)
            }
            counts.signals += step.signals
            counts.changes += step.changes
            if step.signals < batchSize { return }
        }
    }

    // MARK: - Raw payloads

    package func prunePayloads(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws {
        var after: Int64 = 0
        while !Task.isCancelled {
            let from = after
            let step = try await inTransaction { connection -> (deleted: Int, held: Int, last: Int64?, more: Bool) in
                // As on SQLite: ids follow commits, so the first payload received since `before`
                // ends the old ones.
                let found = try await rows("SELECT id, received_at FROM payloads WHERE id > \(from) ORDER BY id LIMIT \(batchSize)",
                                           on: connection) { (id: try $0["id"].decode(Int64.self), at: try $0["received_at"].decode(Int64.self)) }
                let old = found.prefix { $0.at < before.milliseconds }.map(\.id)
                guard !old.isEmpty else { return (0, 0, nil, false) }
                // Payloads compressed against another first: none of them is a base.
                var deleted = try await countRows("""
                    DELETE FROM payloads WHERE id = ANY(\(old)) AND dictionary_id IS NOT NULL RETURNING id
                    """, on: connection)
                let rest = try await rows("SELECT id FROM payloads WHERE id = ANY(\(old))", on: connection) { try $0["id"].decode(Int64.self) }
                let pinned = payloadCompressor.retire(bases: rest)
                let free = rest.filter { !pinned.contains($0) }
                if !free.isEmpty {
                    deleted += try await countRows("""
                        DELETE FROM payloads p WHERE p.id = ANY(\(free))
                          AND NOT EXISTS (SELECT 1 FROM payloads d WHERE d.dictionary_id = p.id)
                        RETURNING p.id
                        """, on: connection)
                }
                return (deleted, old.count - deleted, old.last, old.count == batchSize)
            }
            counts.payloads += step.deleted
            counts.payloadsHeld += step.held
            guard step.more, let last = step.last else { return }
            after = last
        }
    }
}
