import AlertgateCore
import AlertgateStorage
import Dispatch
import Foundation
import GRDBSQLite
import Synchronization

/// The least a durable store of alerts does for a request, for `--store`: the rows
/// bench/floor.py's storage floor inserts (the raw payload of the request, and for each alert
/// its alert row with its labels and a signal, with their indexes by incident), committed
/// before the request is answered. Durable as alertgate is by default: synchronous NORMAL in
/// WAL mode, so a commit survives the process's crash, not a power loss.
///
/// One writer thread takes every request waiting when it begins a transaction (group commit)
/// and resumes their callers once it has committed. SQLite is the system library with
/// alertgate's settings (WAL, synchronous NORMAL, a 2 MiB cache). Checkpoints are kept off the
/// writer's path with the PASSIVE runs and the WAL's start over of alertgate's store
/// (`SQLiteStore+Checkpoint.swift`; not its TRUNCATE at quiet moments, which a load of a few
/// seconds never reaches), and with its constants: a thread of their own copies the WAL back on
/// a connection of its own every `SQLiteStore.checkpointPages`, and when the WAL has grown to
/// `SQLiteStore.restartPages` the writer checkpoints the few pages since before its next
/// transaction, so that transaction starts the WAL over. An alert seen before only has its
/// last-seen time updated.
///
/// The database must be a new file: the ids of alerts and incidents are kept in memory only.
/// Nothing is correlated. An alert's incident is a stand-in, one per service, so that the
/// indexes by incident, which reading an incident needs, are written as in a real store.
///
/// With `schemaRows`, it writes alertgate's own rows for a new alert instead (`--schema-rows`),
/// in alertgate's own schema, made by its migrations (`SQLiteStore`): its tables, indexes,
/// triggers and `auto_vacuum = INCREMENTAL`. The rows: the payload; the alert with its status in
/// the index of firing alerts; the signal, which leaves its fingerprint, service and title to the
/// alert as alertgate's does (v13); its timeline line and its transition, each indexed by alert;
/// and each touched incident's row once a transaction, every column set as alertgate's upsert
/// sets it, with the new ids appended to its lists of alerts and signals, filed as pieces of their
/// own once long by alertgate's trigger (v18), in place of indexes by incident. The values are
/// those alertgate writes for a new alert of bench/alerts.lua, but for the incident's labels (the
/// alert's labels as `alerts.labels` holds them, shorter than alertgate's JSON). Nothing else of
/// alertgate is in it: no correlating, no notifications. What a gateway that keeps alertgate's
/// rows durably, and does nothing else, reaches.
final class MinimalStore: Sendable {
    /// One alert of a request, as its rows need it.
    struct Alert: Sendable {
        var fingerprint: String
        var service: String
        var title: String
        /// The alert's labels as alertgate's `alerts.labels` holds them (`LabelsText`).
        var labels: String

        init(fingerprint: String, signal: Signal) {
            self.fingerprint = fingerprint
            service = signal.service
            title = signal.title
            labels = LabelsText.encode(PackedLabels(signal.labels))
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private struct Request {
        var payload: [UInt8]
        var originalSize: Int64
        var receivedAt: Int64
        var alerts: [Alert]
        var caller: CheckedContinuation<Void, any Error>
    }

    private struct Waiting {
        var requests: [Request] = []
        /// Whether the writer sleeps on `wake`: the next request rings it.
        var writerIdle = false
    }

    private let waiting = Mutex(Waiting())
    private let wake = DispatchSemaphore(value: 0)
    /// The connection, used by the writer thread alone once `init` has returned.
    private nonisolated(unsafe) let connection: Connection
    /// Pages the writer has written to the WAL since it last rang `checkpointDue` (at
    /// `SQLiteStore.checkpointPages`).
    private let pagesWritten = Atomic<Int>(0)
    private let checkpointDue = DispatchSemaphore(value: 0)
    /// The checkpointer's connection, used by its thread alone once `init` has returned.
    private nonisolated(unsafe) let checkpointConnection: OpaquePointer
    /// Set by the checkpointer when the WAL has grown to `SQLiteStore.restartPages`.
    private let restartWanted = Atomic<Bool>(false)

    /// The store of the database at `path`, its writer and checkpointer running.
    static func open(path: String, schemaRows: Bool = false) throws -> MinimalStore {
        // Opened before the store is made: a throwing initializer of a class with atomics
        // crashes Swift 6.3 (SIL ownership verification in CopyPropagation).
        let store = MinimalStore(connection: try Connection(path: path, schemaRows: schemaRows), checkpointConnection: try Connection.open(path))
        Thread { [store] in store.writeForever() }.start()
        Thread { [store] in store.checkpointForever() }.start()
        return store
    }

    private init(connection: Connection, checkpointConnection: OpaquePointer) {
        self.connection = connection
        self.checkpointConnection = checkpointConnection
    }

    /// Returns once the request's rows are committed. `originalSize`: the body's bytes before
    /// compression.
    func write(payload: [UInt8], originalSize: Int, receivedAt: Timestamp, alerts: [Alert]) async throws {
        try await withCheckedThrowingContinuation { caller in
            let request = Request(payload: payload, originalSize: Int64(originalSize), receivedAt: receivedAt.milliseconds, alerts: alerts,
                                  caller: caller)
            let ring = waiting.withLock { waiting in
                waiting.requests.append(request)
                let idle = waiting.writerIdle
                waiting.writerIdle = false
                return idle
            }
            if ring { wake.signal() }
        }
    }

    private func writeForever() {
        while true {
            let requests = waiting.withLock { waiting in
                let taken = waiting.requests
                waiting.requests = []
                if taken.isEmpty { waiting.writerIdle = true }
                return taken
            }
            if requests.isEmpty {
                wake.wait()
                continue
            }
            if restartWanted.exchange(false, ordering: .relaxed) { _ = Connection.checkpoint(connection.db) }
            let result = Result { try connection.commit(requests) }
            for request in requests { request.caller.resume(with: result) }
            if pagesWritten.add(connection.pagesWritten(), ordering: .relaxed).newValue >= SQLiteStore.checkpointPages {
                pagesWritten.store(0, ordering: .relaxed)
                checkpointDue.signal()
            }
        }
    }

    private func checkpointForever() {
        while true {
            checkpointDue.wait()
            guard let frames = Connection.checkpoint(checkpointConnection) else {
                // The writer's own checkpoint runs (the WAL's start over): the pages stay
                // counted, and the next ring copies them.
                pagesWritten.add(SQLiteStore.checkpointPages, ordering: .relaxed)
                continue
            }
            if frames >= SQLiteStore.restartPages { restartWanted.store(true, ordering: .relaxed) }
        }
    }

    /// The SQLite connection and its statements.
    private final class Connection {
        let db: OpaquePointer
        private let insertPayload, insertAlert, touchAlert, insertSignal: OpaquePointer
        /// The statements of alertgate's own rows, with `schemaRows`.
        private let schemaRows: (timeline: OpaquePointer, transition: OpaquePointer, incident: OpaquePointer, fileLists: OpaquePointer)?
        /// Alert ids by fingerprint and incident ids by service, as committed.
        private var alertIDs: [String: Int64] = [:]
        private var incidentIDs: [String: Int64] = [:]

        /// A connection to `path` in WAL mode, synchronous NORMAL, with a 2 MiB cache.
        static func open(_ path: String) throws -> OpaquePointer {
            var opened: OpaquePointer?
            let status = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
            guard status == SQLITE_OK, let opened else {
                let reason = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
                sqlite3_close(opened)
                throw Failure(description: "cannot open \(path): \(reason)")
            }
            do {
                try execute(opened, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2048")
            } catch {
                sqlite3_close(opened)
                throw error
            }
            return opened
        }

        /// A PASSIVE checkpoint on `db`; returns the frames in the WAL, nil when another
        /// connection's checkpoint was running (SQLITE_BUSY).
        static func checkpoint(_ db: OpaquePointer) -> Int? {
            var frames: Int32 = 0
            guard sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, nil) == SQLITE_OK else { return nil }
            return Int(frames)
        }

        init(path: String, schemaRows: Bool) throws {
            // alertgate's schema, as its store makes it: migrations, then the VACUUM that turns on
            // incremental vacuum. The store is closed again before the connection opens.
            if schemaRows { _ = try SQLiteStore(path: path) }
            db = try Self.open(path)
            let opened = db  // for `prepare`, which cannot capture `self` before every statement is set
            // SQLite's own checkpoint on the writer only as a backstop, as alertgate's.
            try Self.execute(db, """
                PRAGMA wal_autocheckpoint = \(SQLiteStore.backstopCheckpointPages);
                PRAGMA journal_size_limit = \(SQLiteStore.journalSizeLimitBytes);
                """)
            if !schemaRows { try Self.execute(db, Self.minimalTables) }
            func prepare(_ sql: String) throws -> OpaquePointer {
                var statement: OpaquePointer?
                guard sqlite3_prepare_v3(opened, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
                      let statement else { throw Failure(description: String(cString: sqlite3_errmsg(opened))) }
                return statement
            }
            touchAlert = try prepare("UPDATE alerts SET last_seen = ? WHERE id = ?")
            guard schemaRows else {
                insertPayload = try prepare("INSERT INTO payloads (received_at, data) VALUES (?, ?)")
                insertAlert = try prepare("INSERT INTO alerts (fingerprint, incident_id, labels, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)")
                insertSignal = try prepare("INSERT INTO signals (payload_id, alert_id, incident_id, fingerprint, title, at) VALUES (?, ?, ?, ?, ?, ?)")
                self.schemaRows = nil
                return
            }
            // The same parameters first as the three rows' statements, then the others; the
            // constants are what alertgate writes for an alert of bench/alerts.lua.
            insertPayload = try prepare("""
                INSERT INTO payloads (received_at, data, source, content_type, encoding, size) VALUES (?1, ?2, 4, 'application/json', 1, ?3)
                """)
            insertAlert = try prepare("""
                INSERT INTO alerts (fingerprint, incident_id, labels, first_seen, last_seen, status, kind, service, title, severity,
                                    count, ends_at, digest)
                VALUES (?1, ?2, ?3, ?4, ?5, 1, 1, ?6, ?7, 2, 1, ?5 + 3600000, ?8)
                """)
            // ?4 and ?5 (fingerprint, title) unused: alertgate leaves them to the alert (v13).
            insertSignal = try prepare("""
                INSERT INTO signals (payload_id, alert_id, incident_id, at, item, kind, source, status, decision, severity, received_at,
                                     fingerprint, service, title, why, from_alert)
                VALUES (?1, ?2, ?3, ?6, ?7, 1, 4, 1, 1, 2, ?6, '', '', '', ?8, 3)
                """)
            self.schemaRows = (
                timeline: try prepare("""
                    INSERT INTO timeline (incident_id, at, kind, signal_id, alert_id, text_is_signal_title) VALUES (?, ?, 'attached', ?, ?, 1)
                    """),
                transition: try prepare("INSERT INTO transitions (at, kind, incident_id, alert_id, severity) VALUES (?, 7, ?, ?, 3)"),
                incident: try prepare("""
                    INSERT INTO incidents (id, key, title, status, severity, type, service, services, detected_by, opened_at,
                                           last_activity, signal_count, alert_count, report_count, classified_by_hand, rule_severity,
                                           labels, escalation_step, open_alert_ids, open_signal_ids)
                    VALUES (?1, ?2, ?8, 1, 3, 2, ?2, '["' || ?2 || '"]', 1, ?3, ?3, ?4, ?5, 0, 0, 3, ?9, 0, ?6, ?7)
                    ON CONFLICT(id) DO UPDATE SET title = excluded.title, severity = excluded.severity, type = excluded.type,
                        services = excluded.services, owner = excluded.owner, opened_at = min(opened_at, excluded.opened_at),
                        acknowledged_at = excluded.acknowledged_at, resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,
                        last_activity = excluded.last_activity, signal_count = signal_count + excluded.signal_count,
                        alert_count = alert_count + excluded.alert_count, report_count = excluded.report_count,
                        classified_by_hand = excluded.classified_by_hand, oncall = excluded.oncall, rule_severity = excluded.rule_severity,
                        hold_until = excluded.hold_until, labels = excluded.labels, escalation_step = excluded.escalation_step,
                        escalated_at = excluded.escalated_at,
                        open_alert_ids = CASE WHEN excluded.open_alert_ids IS NULL THEN open_alert_ids
                                              ELSE coalesce(open_alert_ids || ',', '') || excluded.open_alert_ids END,
                        open_signal_ids = coalesce(open_signal_ids || ',', '') || excluded.open_signal_ids
                    """),
                // A new incident's first lists, long already: an update files them, as
                // alertgate's writer does (`fillsAPiece`).
                fileLists: try prepare("UPDATE incidents SET open_alert_ids = open_alert_ids WHERE id = ?")
            )
        }

        /// The three rows' tables, each with its index by incident.
        private static let minimalTables = """
            CREATE TABLE payloads (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, data BLOB NOT NULL) STRICT;
            CREATE TABLE alerts (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, incident_id INTEGER NOT NULL,
                labels TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL) STRICT;
            CREATE INDEX alerts_by_incident ON alerts(incident_id);
            CREATE TABLE signals (id INTEGER PRIMARY KEY, payload_id INTEGER NOT NULL, alert_id INTEGER NOT NULL,
                incident_id INTEGER NOT NULL, fingerprint TEXT NOT NULL, title TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
            CREATE INDEX signals_by_incident ON signals(incident_id, id);
            """

        /// Pages this connection has written since the last call.
        func pagesWritten() -> Int {
            var written: Int32 = 0
            var highwater: Int32 = 0
            _ = sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &written, &highwater, 1)
            return Int(written)
        }

        /// Writes `requests` in one transaction; rolls it back when a row fails.
        func commit(_ requests: [Request]) throws {
            // Ids handed out in this transaction count only once it has committed.
            var newAlerts: [String: Int64] = [:]
            var newIncidents: [String: Int64] = [:]
            // With `schemaRows`: the incidents touched, with the ids to append to their lists.
            var touched: [Int64: (key: String, title: String, labels: String, at: Int64, alerts: [Int64], signals: [Int64])] = [:]
            do {
                try Self.execute(db, "BEGIN")
                for request in requests {
                    bind(insertPayload, 1, request.receivedAt)
                    bind(insertPayload, 2, blob: request.payload)
                    if schemaRows != nil { bind(insertPayload, 3, request.originalSize) }
                    let payloadID = try step(insertPayload)
                    for (item, alert) in request.alerts.enumerated() {
                        let incidentID: Int64
                        if let known = incidentIDs[alert.service] ?? newIncidents[alert.service] {
                            incidentID = known
                        } else {
                            incidentID = Int64(incidentIDs.count + newIncidents.count + 1)
                            newIncidents[alert.service] = incidentID
                        }
                        let alertID: Int64
                        let isNew: Bool
                        if let known = alertIDs[alert.fingerprint] ?? newAlerts[alert.fingerprint] {
                            bind(touchAlert, 1, request.receivedAt)
                            bind(touchAlert, 2, known)
                            _ = try step(touchAlert)
                            alertID = known
                            isNew = false
                        } else {
                            bind(insertAlert, 1, alert.fingerprint)
                            bind(insertAlert, 2, incidentID)
                            bind(insertAlert, 3, alert.labels)
                            bind(insertAlert, 4, request.receivedAt)
                            bind(insertAlert, 5, request.receivedAt)
                            if schemaRows != nil {
                                bind(insertAlert, 6, alert.service)
                                bind(insertAlert, 7, alert.title)
                                bind(insertAlert, 8, Int64(bitPattern: UInt64(truncatingIfNeeded: alert.fingerprint.hashValue)))
                            }
                            alertID = try step(insertAlert)
                            newAlerts[alert.fingerprint] = alertID
                            isNew = true
                        }
                        bind(insertSignal, 1, payloadID)
                        bind(insertSignal, 2, alertID)
                        bind(insertSignal, 3, incidentID)
                        bind(insertSignal, 4, alert.fingerprint)
                        bind(insertSignal, 5, alert.title)
                        bind(insertSignal, 6, request.receivedAt)
                        if schemaRows != nil {
                            bind(insertSignal, 7, Int64(item))
                            // alertgate's reason for a new alert: a template's id and its argument.
                            bind(insertSignal, 8, "1\u{1F}" + alert.service)
                        }
                        let signalID = try step(insertSignal)
                        guard let schemaRows else { continue }
                        touched[incidentID, default: (alert.service, alert.title, alert.labels, 0, [], [])].at = request.receivedAt
                        touched[incidentID]!.signals.append(signalID)
                        guard isNew else { continue }
                        touched[incidentID]!.alerts.append(alertID)
                        bind(schemaRows.timeline, 1, incidentID)
                        bind(schemaRows.timeline, 2, request.receivedAt)
                        bind(schemaRows.timeline, 3, signalID)
                        bind(schemaRows.timeline, 4, alertID)
                        _ = try step(schemaRows.timeline)
                        bind(schemaRows.transition, 1, request.receivedAt)
                        bind(schemaRows.transition, 2, incidentID)
                        bind(schemaRows.transition, 3, alertID)
                        _ = try step(schemaRows.transition)
                    }
                }
                if let schemaRows {
                    let incident = schemaRows.incident
                    for (id, change) in touched.sorted(by: { $0.key < $1.key }) {
                        bind(incident, 1, id)
                        bind(incident, 2, change.key)
                        bind(incident, 3, change.at)
                        bind(incident, 4, Int64(change.signals.count))
                        bind(incident, 5, Int64(change.alerts.count))
                        if change.alerts.isEmpty {
                            sqlite3_bind_null(incident, 6)
                        } else {
                            bind(incident, 6, change.alerts.map(String.init).joined(separator: ","))
                        }
                        let signals = change.signals.map(String.init).joined(separator: ",")
                        bind(incident, 7, signals)
                        bind(incident, 8, change.title)
                        bind(incident, 9, change.labels)
                        _ = try step(incident)
                        if newIncidents.values.contains(id), signals.utf8.count >= 240 {
                            bind(schemaRows.fileLists, 1, id)
                            _ = try step(schemaRows.fileLists)
                        }
                    }
                }
                try Self.execute(db, "COMMIT")
            } catch {
                _ = sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
                throw error
            }
            alertIDs.merge(newAlerts) { $1 }
            incidentIDs.merge(newIncidents) { $1 }
        }

        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        private func bind(_ statement: OpaquePointer, _ index: Int32, _ number: Int64) {
            sqlite3_bind_int64(statement, index, number)
        }

        private func bind(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
            sqlite3_bind_text(statement, index, text, -1, Self.transient)
        }

        private func bind(_ statement: OpaquePointer, _ index: Int32, blob: [UInt8]) {
            blob.withUnsafeBytes { _ = sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }

        /// Steps `statement` once and resets it; returns the last row id inserted.
        private func step(_ statement: OpaquePointer) throws -> Int64 {
            defer { sqlite3_reset(statement) }
            guard sqlite3_step(statement) == SQLITE_DONE else { throw Failure(description: String(cString: sqlite3_errmsg(db))) }
            return sqlite3_last_insert_rowid(db)
        }

        private static func execute(_ db: OpaquePointer, _ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw Failure(description: String(cString: sqlite3_errmsg(db))) }
        }
    }
}
