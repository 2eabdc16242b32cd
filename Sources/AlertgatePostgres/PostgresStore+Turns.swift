import AlertgateCore
import AlertgateStorage
import PostgresNIO

/// Gateways writing to one database side by side (`storage.writers: all`). Each batch is
/// built and committed in its gateway's turn with the writer lock (`PostgresWriterLock`), so
/// two gateways never place signals at once; and each commit adds a row to `writer_log`: its
/// version (one more than the last, so the log has no gaps) and the alerts and incidents it
/// changed. A gateway whose turn begins reads the rows logged since its own last commit and
/// then those alerts and incidents as they stand: its correlator catches up on what the others
/// did, in their order, and the ids it gives continue theirs.
extension PostgresStore: WriterTurns {
    /// Versions kept in the log: a gateway that has not written for longer loads its
    /// correlator whole. Older ones go at every `logPruneEvery`-th version.
    static let logKept: Int64 = 8192
    static let logPruneEvery: Int64 = 1024

    public var writesInTurns: Bool { sharing == .turns }

    public func beginTurn() async throws -> TurnStart {
        guard sharing == .turns, let lock = writerLock.withLock({ $0 }) else {
            throw StoreError.database("this store was not opened to write in turns (storage.writers: all)")
        }
        try await lock.beginTurn()
        do {
            return try await changesSinceLastCommit()
        } catch {
            try? await lock.endTurn()
            throw error
        }
    }

    public func endTurn() async throws {
        try await writerLock.withLock { $0 }?.endTurn()
    }

    /// What other gateways wrote since this store's last commit, read in its turn.
    private func changesSinceLastCommit() async throws -> TurnStart {
        guard let known = writtenVersion.withLock({ $0 }) else {
            let version = try await rows("SELECT coalesce(max(version), 0) AS version FROM writer_log") { try $0["version"].decode(Int64.self) }
            writtenVersion.withLock { $0 = version.first ?? 0 }
            return .unknown
        }
        let log = try await rows("SELECT version, alerts, incidents FROM writer_log WHERE version > \(known) ORDER BY version") {
            (version: try $0["version"].decode(Int64.self), alerts: try $0["alerts"].decode([Int64].self),
             incidents: try $0["incidents"].decode([Int64].self))
        }
        guard let first = log.first, let last = log.last else { return .current }
        writtenVersion.withLock { $0 = last.version }
        // Versions between were pruned: what they changed is not known.
        guard first.version == known + 1 else { return .unknown }
        let alertIDs = Set(log.flatMap(\.alerts)).sorted(), incidentIDs = Set(log.flatMap(\.incidents)).sorted()
        let alerts = alertIDs.isEmpty ? [] : try await alertRows("SELECT * FROM alerts WHERE id = ANY(\(alertIDs)) ORDER BY id")
        let incidents = incidentIDs.isEmpty ? [] : try await incidentRows("SELECT * FROM incidents WHERE id = ANY(\(incidentIDs)) ORDER BY id")
        let lastIDs = try await lastIDs()
        return .behind(StateChanges(alerts: alerts, incidents: incidents, lastSignalID: lastIDs.signal, lastAlertID: lastIDs.alert,
                                    lastIncidentID: lastIDs.incident))
    }

    /// Adds the batch's row to the log, in its transaction; returns its version. A store that
    /// holds the writer lock knows the last version; one without reads it.
    func log(_ written: PostgresBatchWriter.Written, on connection: PostgresConnection) async throws -> Int64 {
        var version = sharing == .none ? nil : writtenVersion.withLock { $0 }.map { $0 + 1 }
        if version == nil {
            for try await last in try await connection.query("SELECT coalesce(max(version), 0) FROM writer_log", logger: logger).decode(Int64.self) {
                version = last + 1
            }
        }
        guard let version else { throw StoreError.database("the log of changes has no version") }
        try await connection.query("""
            INSERT INTO writer_log (version, alerts, incidents) VALUES (\(version), \(written.alertIDs), \(written.incidentIDs))
            """, logger: logger)
        if version % Self.logPruneEvery == 0 {
            try await connection.query("DELETE FROM writer_log WHERE version <= \(version - Self.logKept)", logger: logger)
        }
        return version
    }

    /// Notes the version of the batch just committed, or that it is not known (nil: the commit
    /// failed, and the next turn loads the correlator whole).
    func committed(version: Int64?) {
        writtenVersion.withLock { $0 = sharing == .none ? nil : version }
    }
}

/// What gateways writing side by side tell each other beyond the pipeline's rows.
extension PostgresStore {
    /// Asks the other gateways on the database to reload their config files, as this one just did.
    public func announceReload(at time: Timestamp) async throws {
        try await client.query("INSERT INTO reloads (holder, at) VALUES (\(holderID), \(time.milliseconds))", logger: logger)
    }

    /// The last reload announced by any gateway (0: none), and whether one after `after` came
    /// from another gateway than this one.
    public func reloads(after: Int64) async throws -> (last: Int64, byOthers: Bool) {
        let rows = try await rows("SELECT id, holder FROM reloads WHERE id > \(after) ORDER BY id") {
            (id: try $0["id"].decode(Int64.self), holder: try $0["holder"].decode(String.self))
        }
        return (rows.last?.id ?? after, rows.contains { $0.holder != holderID })
    }
}

