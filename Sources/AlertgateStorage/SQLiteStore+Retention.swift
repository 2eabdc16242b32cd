import AlertgateCore
import GRDB

/// Retention: deletes what is older than the configured ages, then hands the freed pages back
/// to the file system.
///
/// Every step is its own short write transaction on the store's one writer connection. GRDB
/// runs `pool.write` blocks one at a time, in the order they were asked for, so a pipeline
/// batch (`commit`) or a sender's claim waits for one step at most and commits between two.
/// Each step checks again, inside its transaction, that what it deletes may go: an incident
/// reopened meanwhile, or a payload that became another's dictionary, is kept.
///
/// What goes with what:
/// - a closed incident, closed before the cutoff and with no firing alert, goes with its
///   signals, alerts, timeline, notifications and transitions (the incident row last, so a
///   pass cut short leaves it for the next one to find);
/// - a signal of no incident (silenced, pending, a change event) goes at the signals age, with
///   its change row; a signal of an incident stays as long as its incident;
/// - a raw payload goes at the payloads age whatever its signals (they answer that it was
///   pruned), unless a kept payload, or one on its way to the writer, is compressed against it:
///   restoring that payload needs its bytes. An old payload is not used as a base again
///   (`PayloadCompressor.retire`), so a base outlives the age only as long as its last user;
/// - the audit log is append-only (its triggers refuse DELETE) and is kept whole; silences too.
extension SQLiteStore: RetentionSteps {
    /// Pages handed back per incremental-vacuum transaction: 4 MiB with 4 KiB pages.
    static let vacuumPagesPerStep = 1024

    public func releaseFreePages() async throws -> Int64 {
        var released: Int64 = 0
        while !Task.isCancelled {
            let step = try await pool.write { db -> Int64 in
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                guard free > 0 else { return 0 }
                let before = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                try db.execute(sql: "PRAGMA incremental_vacuum(\(min(free, Self.vacuumPagesPerStep)))")
                let after = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? before
                return (before - after) * (try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
            }
            // Nothing freed (no free page, or a file not in incremental mode): done.
            guard step > 0 else { break }
            released += step
        }
        if released > 0 {
            // In WAL mode the file is cut to its new size when the checkpoint copies the last
            // step back into it: run one now rather than at the next automatic one. PASSIVE
            // waits for no reader; what it cannot copy, a later checkpoint does. When the
            // checkpointer's own is running (`checkpoint(quiet:)`), that one cuts the file, or a
            // later one: the pages are released all the same, and the pass stands.
            _ = try await pool.writeWithoutTransaction { db in try db.checkpointUnlessBusy(.passive) }
        }
        return released
    }

    /// The file's size in pages, its free pages, and its vacuum mode.
    public func fileStats() throws -> DatabaseFileStats {
        try pool.read { db in
            DatabaseFileStats(
                pageSize: try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0,
                pageCount: try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0,
                freePages: try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0,
                autoVacuum: try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? 0)
        }
    }

    /// Applies `v8-incremental-vacuum`: a file not yet in incremental mode is rewritten in it by
    /// a VACUUM, outside any transaction, on the writer before anything else uses the store.
    /// Interrupted (a crash, a kill), the VACUUM leaves the file as it was and the next start
    /// does it again.
    static func useIncrementalVacuum(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != DatabaseFileStats.incremental else { return }
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute(sql: "VACUUM")
            // The VACUUM went through the WAL, now as large as the file: empty it. Nothing
            // reads yet; should it not complete, later checkpoints do the same.
            _ = try? db.checkpoint(.truncate)
        }
    }

    // MARK: - Incidents

    package func closedIncidentIDs(after: Int64, closedBefore before: Timestamp, limit: Int) async throws -> [Int64] {
        try await pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM incidents WHERE status = ? AND id > ? AND closed_at < ? ORDER BY id LIMIT ?
                """, arguments: [IncidentStatus.closed.code, after, before.milliseconds, limit])
        }
    }

    /// Each step's rows found by an index or a list: for the timeline and transitions those of
    /// the incident alone by incident and those of its alerts by alert (`IncidentRows.Lookup`);
    /// its alerts and signals by its lists, whose pieces go with their rows (`IncidentList`).
    package func deleteIncident(_ id: Int64, closedBefore before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws {
        // A piece holds 22 to 60 ids as a rule (those of an older file, 32).
        let pieces = max(1, batchSize / 32)
        for rows in Self.rowsOfAnIncident {
            let table = rows.table
            let found = Self.rowIDs(of: rows)
            while true {
                guard !Task.isCancelled else { return }
                let step = try await pool.write { db -> (deleted: Int, done: Bool)? in
                    guard try Self.mayDelete(incident: id, closedBefore: before, db) else { return nil }
                    if case .listed(let list) = rows.foundBy { return try list.deleteFirstRows(of: id, pieces: pieces, db) }
                    guard let found else { preconditionFailure("no query finds the rows of \(table)") }
                    try db.execute(sql: "DELETE FROM \(table) WHERE rowid IN (\(found))", arguments: [id, batchSize])
                    return (db.changesCount, db.changesCount < batchSize)
                }
                guard let step else { return }
                counts[keyPath: rows.count] += step.deleted
                if step.done { break }
            }
        }
        let deleted = try await pool.write { db -> Bool in
            guard try Self.mayDelete(incident: id, closedBefore: before, db) else { return false }
            try db.execute(sql: "DELETE FROM incidents WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
        if deleted { counts.incidents += 1 }
    }

    /// The query for the rowids of one step's rows of incident `?1`, at most `?2`; nil for rows
    /// the incident lists.
    static func rowIDs(of rows: IncidentRows) -> String? {
        switch rows.foundBy {
        case .incident: "SELECT rowid FROM \(rows.table) WHERE incident_id = ?1 LIMIT ?2"
        case .incidentAlone: "SELECT rowid FROM \(rows.table) WHERE incident_id = ?1 AND alert_id IS NULL LIMIT ?2"
        case .itsAlerts: """
            SELECT r.rowid FROM (\(IncidentList.alerts.idsOfAnIncident)) AS its CROSS JOIN \(rows.table) AS r ON r.alert_id = its.id
            WHERE r.alert_id IS NOT NULL LIMIT ?2
            """
        case .listed: nil
        }
    }

    /// Whether incident `id` is still closed since before `before`, with no firing alert (a
    /// close resolves them; this only guards the correlator's state, which holds firing alerts).
    private static func mayDelete(incident id: Int64, closedBefore before: Timestamp, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM incidents WHERE id = ?1 AND status = ?2 AND closed_at < ?3)
               AND NOT EXISTS (SELECT 1 FROM (\(IncidentList.alerts.idsOfAnIncident)) AS its CROSS JOIN alerts ON alerts.id = its.id WHERE alerts.status = ?4)
            """, arguments: [id, IncidentStatus.closed.code, before.milliseconds, AlertStatus.firing.code]) ?? false
    }

    // MARK: - Signals of no incident

    package func pruneUnattachedSignals(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws {
        while !Task.isCancelled {
            let step = try await pool.write { db -> (signals: Int, changes: Int) in
                // By `signals_unattached`, oldest first.
                let ids = try Int64.fetchAll(db, sql: """
                    SELECT id FROM signals WHERE incident_id IS NULL AND received_at < ? ORDER BY received_at LIMIT ?
                    """, arguments: [before.milliseconds, batchSize])
                guard !ids.isEmpty else { return (0, 0) }
                let marks = databaseQuestionMarks(count: ids.count)
                try db.execute(sql: "DELETE FROM changes WHERE signal_id IN (\(marks))", arguments: StatementArguments(ids))
                let changes = db.changesCount
                try db.execute(sql: "DELETE FROM signals WHERE id IN (\(marks))", arguments: StatementArguments(ids))
                return (db.changesCount, changes)
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
            let step = try await pool.write { db -> (deleted: Int, held: Int, last: Int64?, more: Bool) in
                // Ids follow the order of commits and so, closely, of receipt: the first payload
                // received since `before` ends the old ones (a straggler goes next pass). Only
                // the columns ahead of `data` are read.
                let rows = try Row.fetchAll(db, sql: "SELECT id, received_at FROM payloads WHERE id > ? ORDER BY id LIMIT ?",
                                            arguments: [from, batchSize])
                let old = rows.prefix { ($0["received_at"] as Int64) < before.milliseconds }.map { $0["id"] as Int64 }
                guard !old.isEmpty else { return (0, 0, nil, false) }
                // Payloads compressed against another first: none of them is a base.
                let marks = databaseQuestionMarks(count: old.count)
                try db.execute(sql: "DELETE FROM payloads WHERE id IN (\(marks)) AND dictionary_id IS NOT NULL", arguments: StatementArguments(old))
                var deleted = db.changesCount
                // The others may be bases. None is used again from now on; those no payload,
                // stored (by `payloads_by_dictionary`) or on its way to the writer, is
                // compressed against go. The compressor is asked inside this transaction: a
                // payload it pinned before is in the file by the time the next one looks.
                let rest = try Int64.fetchAll(db, sql: "SELECT id FROM payloads WHERE id IN (\(marks))", arguments: StatementArguments(old))
                let pinned = payloadCompressor.retire(bases: rest)
                let free = rest.filter { !pinned.contains($0) }
                if !free.isEmpty {
                    try db.execute(sql: """
                        DELETE FROM payloads WHERE id IN (\(databaseQuestionMarks(count: free.count)))
                          AND NOT EXISTS (SELECT 1 FROM payloads AS d WHERE d.dictionary_id = payloads.id)
                        """, arguments: StatementArguments(free))
                    deleted += db.changesCount
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
