import AlertgateCore
import AlertgateTesting
@testable import AlertgateStorage
import Foundation
import GRDB
import Testing

@Suite("Retention on both stores: old rows go in small transactions, what is kept stays whole, the file shrinks")
struct RetentionTests {
    static let day: Int64 = 86_400

    /// Rows of `table` (`where` narrows them).
    static func count(_ table: String, where condition: String = "1 = 1", in store: any StoreSQL) async throws -> Int {
        try await store.rowCount(table, where: condition)
    }

    /// Stores `bytes` as the pipeline does, through the store's own compressor, with one alert signal.
    @discardableResult
    static func ingest(_ bytes: [UInt8], key: String = "fp", at seconds: Int64, into store: any StoreWriter & StoreReader, feed: inout Feed,
                       service: String = "api") async throws -> (payloadID: Int64, encoding: StoredPayload.Encoding) {
        let payload = store.preparePayload(bytes, key: key, source: .alertmanagerAPI, contentType: "application/json", receivedAt: at(seconds))
        let record = feed.record(alert(service, "HighLatency"), payload: payload)
        try await store.commit(StoreBatch(entries: [.ingest(record)]))
        let signalID = try #require(record.signals.first?.outcome.signalID)
        return (try #require(try await store.signal(id: signalID)).payloadID, payload.encoding)
    }

    // MARK: - Raw payloads

    @Test(arguments: StoreKind.allCases)
    func oldPayloadsGoAndTheirSignalsStay(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let bodies = (0..<5).map { Array("{\"n\":\($0),\"pad\":\"\(String(repeating: "x", count: 100 * $0))\"}".utf8) }
            var signals: [Int64] = []
            for (index, body) in bodies.enumerated() {
                let record = feed.record(alert("svc\(index)", "Down"), at: Int64(index) * Self.day, bytes: body)
                try await store.commit(StoreBatch(entries: [.ingest(record)]))
                signals.append(try #require(record.signals.first?.outcome.signalID))
            }
            // One row per transaction.
            let counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(2 * Self.day + 1)), batchSize: 1)
            #expect(counts.payloads == 3 && counts.payloadsHeld == 0 && counts.deletedRows == 3)

            for (index, id) in signals.enumerated() {
                let signal = try #require(try await store.signal(id: id), "signal \(id) stays")
                let payload = try await store.payload(id: signal.payloadID)
                #expect(index <= 2 ? payload == nil : payload?.bytes == bodies[index])
            }
            #expect(try await store.counts().signals == 5)
            // Nothing older is left: a second pass deletes nothing.
            #expect(try await store.prune(RetentionCutoffs(payloadsBefore: at(2 * Self.day + 1)), batchSize: 1) == RetentionCounts())
        }
    }

    @Test func aBaseStaysWhileAKeptPayloadIsCompressedAgainstIt() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let resend = PrometheusResend(alerts: 64)
        var feed = Feed()
        var ids: [Int64] = []
        do {
            let store = try SQLiteStore(path: database.path)
            for round in 0...5 {
                let stored = try await Self.ingest(resend.batches(round: round)[0], at: Int64(round) * Self.day, into: store, feed: &feed)
                #expect(stored.encoding == (round == 0 ? .zlib : .zlibXORDelta))
                ids.append(stored.payloadID)
            }
            // Rounds 1 and 2 go; the base (round 0) is old too, but 3 to 5 need it.
            let counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(2 * Self.day + 1)), batchSize: 1000)
            #expect(counts.payloads == 2 && counts.payloadsHeld == 1)
            for (round, id) in ids.enumerated() {
                let payload = try await store.payload(id: id)
                #expect([1, 2].contains(round) ? payload == nil : payload?.bytes == resend.batches(round: round)[0], "round \(round)")
            }
        }

        // After a restart the compressor no longer holds the base: only stored payloads keep it.
        let store = try SQLiteStore(path: database.path)
        var counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(4 * Self.day + 1)), batchSize: 1000)
        #expect(counts.payloads == 2 && counts.payloadsHeld == 1)
        #expect(try await store.payload(id: ids[5])?.bytes == resend.batches(round: 5)[0])
        // One row per transaction: the base comes first, while round 5 still needs it; the next pass takes it.
        counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(10 * Self.day)), batchSize: 1)
        #expect(counts.payloads == 1 && counts.payloadsHeld == 1)
        counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(10 * Self.day)), batchSize: 1)
        #expect(counts.payloads == 1 && counts.payloadsHeld == 0)
        #expect(try await Self.count("payloads", in: store) == 0)
        #expect(try await store.counts().signals == 6)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test(arguments: StoreKind.allCases)
    func anOldBaseIsNotUsedAgainAndGoes(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let resend = PrometheusResend(alerts: 64)
            let base = try await Self.ingest(resend.batches(round: 0)[0], at: 0, into: store, feed: &feed)
            let counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(Self.day)), batchSize: 1000)
            #expect(counts.payloads == 1 && counts.payloadsHeld == 0)
            #expect(try await store.payload(id: base.payloadID) == nil)
            // The next resend starts a new base, and restores.
            let next = try await Self.ingest(resend.batches(round: 1)[0], at: 2 * Self.day, into: store, feed: &feed)
            #expect(next.encoding == .zlib)
            #expect(try await store.payload(id: next.payloadID)?.bytes == resend.batches(round: 1)[0])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aBaseStaysWhileAPayloadCompressedAgainstItIsOnItsWayToTheWriter(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            let resend = PrometheusResend(alerts: 64)
            let base = try await Self.ingest(resend.batches(round: 0)[0], at: 0, into: store, feed: &feed)
            do {
                // Compressed now, committed only after the pass.
                let payload = store.preparePayload(resend.batches(round: 1)[0], key: "fp", source: .alertmanagerAPI,
                                                   contentType: "application/json", receivedAt: at(2 * Self.day))
                #expect(payload.dictionaryID == base.payloadID)
                let counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(Self.day)), batchSize: 1000)
                #expect(counts.payloads == 0 && counts.payloadsHeld == 1)
                let record = feed.record(alert("api", "HighLatency"), payload: payload)
                try await store.commit(StoreBatch(entries: [.ingest(record)]))
                let signalID = try #require(record.signals.first?.outcome.signalID)
                let signal = try #require(try await store.signal(id: signalID))
                #expect(try await store.payload(id: signal.payloadID)?.bytes == resend.batches(round: 1)[0])
            }
            // Retired all the same: the next resend starts a new base.
            let next = try await Self.ingest(resend.batches(round: 2)[0], at: 2 * Self.day, into: store, feed: &feed)
            #expect(next.encoding == .zlib)
            // Once its last user is old too, both go.
            let counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(2 * Self.day + 1)), batchSize: 1000)
            #expect(counts.payloads == 3 && counts.payloadsHeld == 0)
        }
    }

    @Test func aPinHoldsItsBaseUntilThePayloadIsStoredOrDropped() {
        let resend = PrometheusResend(alerts: 64)
        let compressor = PayloadCompressor()
        do {
            let full = compressor.compress(resend.batches(round: 0)[0], key: "a", source: .alertmanagerAPI, contentType: "", receivedAt: at(0))
            full.commitObserver?.payloadCommitted(id: 7)
        }
        #expect(compressor.retire(bases: []).isEmpty)
        var pending: StoredPayload? = compressor.compress(resend.batches(round: 1)[0], key: "a", source: .alertmanagerAPI,
                                                          contentType: "", receivedAt: at(60))
        #expect(pending?.dictionaryID == 7)
        #expect(compressor.retire(bases: [7, 8]) == [7], "pinned by the payload on its way")
        let again = compressor.compress(resend.batches(round: 2)[0], key: "a", source: .alertmanagerAPI, contentType: "", receivedAt: at(120))
        #expect(again.dictionaryID == nil, "retired: not used again")
        pending = nil
        #expect(compressor.retire(bases: [7]).isEmpty, "released: nothing refers to it any more")
    }

    // MARK: - Incidents and signals

    @Test(arguments: StoreKind.allCases)
    func aClosedIncidentGoesWithEverythingOfItsOwnAndNothingElse(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            feed.correlator.notifications = NotificationPolicy(
                receivers: [Receiver(name: "hook", kind: .webhook, url: "http://127.0.0.1:9/hook")],
                routes: [Route(name: "all", receivers: ["hook"], groupWait: .zero)])
            // Five incidents, each with two alerts and a repeat: open, acknowledged, resolved,
            // closed long ago, closed lately.
            for (index, service) in ["open", "acked", "resolved", "old", "recent"].enumerated() {
                let t = Int64(index)
                try await store.commit(StoreBatch(entries: [
                    .ingest(feed.record([alert(service, "A"), alert(service, "B")], at: t)),
                    .ingest(feed.record(alert(service, "A"), at: t + 10)),
                ]))
            }
            func command(_ id: Int64, _ action: IncidentCommand.Action, at seconds: Int64) async throws {
                let outcome = try feed.correlator.apply(IncidentCommand(incidentID: id, action: action, by: "ana"), at: at(seconds))
                try await store.commit(StoreBatch(entries: [.outcome(outcome)]))
            }
            try await command(2, .acknowledge, at: 60)
            try await command(3, .resolve, at: 60)
            try await command(4, .close, at: 60)
            try await command(5, .close, at: 100 * Self.day)
            let tables = ["signals", "alerts", "timeline", "notifications", "transitions"]
            var before: [String: [Int]] = [:]
            for table in tables {
                before[table] = try await (1...5).asyncMap { try await Self.count(table, where: "incident_id = \($0)", in: store) }
                #expect(before[table]![3] > 0, "incident 4 has \(table)")
            }

            let counts = try await store.prune(RetentionCutoffs(incidentsClosedBefore: at(50 * Self.day)), batchSize: 2)
            #expect(counts.incidents == 1)
            #expect(counts.signals == before["signals"]![3] && counts.alerts == before["alerts"]![3])
            #expect(counts.timelineEntries == before["timeline"]![3] && counts.notifications == before["notifications"]![3])
            #expect(counts.transitions == before["transitions"]![3])
            #expect(try await store.incident(id: 4) == nil)
            for table in tables {
                let after = try await (1...5).asyncMap { try await Self.count(table, where: "incident_id = \($0)", in: store) }
                var expected = before[table]!
                expected[3] = 0
                #expect(after == expected, "\(table)")
            }
            for id: Int64 in [1, 2, 3, 5] { #expect(try await store.incident(id: id) != nil) }

            // The store goes on: state loads, the next batch commits.
            let state = try await store.loadCorrelatorState(now: at(100 * Self.day), reopenWindow: .seconds(1800))
            #expect(Set(state.incidents.keys) == [1, 2])
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("open", "C"), at: 100 * Self.day))]))
            if let file = store as? SQLiteStore { #expect(try file.integrityCheck() == "ok") }
        }
    }

    /// Retention shares the one writer with ingest: no step may read a whole table. A
    /// transition or timeline line is found by its alert, or by its incident when it is the
    /// incident's own (v16, v17).
    @Test func everyStepFindsAnIncidentsRowsByAnIndex() async throws {
        try await withTemporaryStore(.sqlite) { store in
            let file = try #require(store as? SQLiteStore)
            // Rows the incident lists are deleted a piece of its list at a time (`IncidentListTests`).
            for rows in SQLiteStore.rowsOfAnIncident {
                guard let found = SQLiteStore.rowIDs(of: rows) else { continue }
                let plan = try file.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + found, arguments: [1, 10]).map { $0["detail"] as String }
                }
                // Only an incident's list of alerts (v18) is scanned, by `json_each`.
                #expect(plan.contains { $0.hasPrefix("SEARCH") } && plan.allSatisfy { !$0.hasPrefix("SCAN") || $0.contains("VIRTUAL TABLE") },
                        "\(rows.table), \(rows.foundBy): \(plan)")
            }
            let indexes = try file.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transitions' ORDER BY name")
            }
            #expect(indexes == ["transitions_of_alerts", "transitions_of_incidents"])
            let timelineIndexes = try file.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'timeline' ORDER BY name")
            }
            #expect(timelineIndexes == ["timeline_of_alerts", "timeline_of_incidents"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aClosedIncidentWithAFiringAlertIsKept(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "A"), at: 0))]))
            try await store.commit(StoreBatch(entries: [.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .close), at: at(10)))]))
            // A close resolves the incident's alerts; should one be firing all the same, the incident stays.
            try await store.execute("UPDATE alerts SET status = \(AlertStatus.firing.code)")
            let counts = try await store.prune(RetentionCutoffs(incidentsClosedBefore: at(Self.day)), batchSize: 10)
            #expect(counts == RetentionCounts())
            #expect(try await store.incident(id: 1)?.status == .closed)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func signalsOfNoIncidentGoAtTheSignalsAgeWithTheirChangeRows(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            func change(_ title: String, at seconds: Int64) -> IngestRecord {
                feed.record(Signal(kind: .change, source: .changes, service: "api", title: title, sender: "ci"), at: seconds)
            }
            let oldChange = change("deploy 1", at: 0)
            let opening = feed.record(alert("api", "Down"), at: 1)
            let newChange = change("deploy 2", at: 10 * Self.day)
            try await store.commit(StoreBatch(entries: [.ingest(oldChange), .ingest(opening), .ingest(newChange)]))
            let ids = try [oldChange, opening, newChange].map { try #require($0.signals.first?.outcome.signalID) }

            let counts = try await store.prune(RetentionCutoffs(signalsBefore: at(5 * Self.day)), batchSize: 1)
            #expect(counts.signals == 1 && counts.changes == 1 && counts.deletedRows == 2)
            #expect(try await store.signal(id: ids[0]) == nil)
            // The alert of the open incident is as old, and stays with its incident.
            #expect(try await store.signal(id: ids[1])?.incidentID == 1)
            #expect(try await store.changes(services: ["api"], from: at(0), to: at(20 * Self.day), limit: 10).map(\.title) == ["deploy 2"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelledPassStopsBeforeItsNextTransaction(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "A"), at: 0))]))
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await store.prune(RetentionCutoffs(payloadsBefore: at(Self.day), signalsBefore: at(Self.day)), batchSize: 10)
            }
            #expect(try await task.value == RetentionCounts())
            #expect(try await Self.count("payloads", in: store) == 1)
        }
    }

    // MARK: - The file

    @Test func aNewFileIsInIncrementalVacuumMode() throws {
        try withTemporaryStoreSync { store in
            let stats = try store.fileStats()
            #expect(stats.autoVacuum == DatabaseFileStats.incremental && stats.freePages == 0)
        }
    }

    @Test func theFileShrinksOnceFreedPagesAreReleased() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        var feed = Feed()
        // 400 bodies of 8 KB that do not compress, then 10 small ones that stay.
        for batch in 0..<10 {
            let records = (0..<40).map { n in
                feed.record(alert("svc\(n % 4)", "Noise"), at: Int64(batch), bytes: pseudoRandomBytes(count: 8192, seed: UInt64(batch * 40 + n)),
                            encoding: .identity)
            }
            try await store.commit(StoreBatch(entries: records.map { .ingest($0) }))
        }
        let kept = (0..<10).map { feed.record(alert("svc\($0 % 4)", "Noise"), at: Self.day, bytes: pseudoRandomBytes(count: 512, seed: UInt64(9000 + $0))) }
        try await store.commit(StoreBatch(entries: kept.map { .ingest($0) }))
        let full = try store.fileStats()
        #expect(full.bytes > 400 * 8192)

        let counts = try await store.prune(RetentionCutoffs(payloadsBefore: at(Self.day)), batchSize: 100)
        #expect(counts.payloads == 400)
        let pruned = try store.fileStats()
        // Deleting frees pages, the file keeps them.
        #expect(pruned.pageCount == full.pageCount && pruned.freePages * pruned.pageSize >= 400 * 8192)

        let released = try await store.releaseFreePages()
        let vacuumed = try store.fileStats()
        #expect(vacuumed.freePages == 0)
        #expect(released == Int64(full.pageCount - vacuumed.pageCount) * Int64(vacuumed.pageSize))
        // What is left: the signals, the small payloads, the other tables: a tenth of what was there.
        #expect(vacuumed.bytes < full.bytes / 10)
        let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int)
        #expect(Int64(fileSize) == vacuumed.bytes, "the checkpoint cut the file to its pages")
        for record in kept {
            let signalID = try #require(record.signals.first?.outcome.signalID)
            let signal = try #require(try await store.signal(id: signalID))
            #expect(try await store.payload(id: signal.payloadID) != nil)
        }
        #expect(try store.integrityCheck() == "ok")
    }

    /// The release's checkpoint runs on the writer, and the checkpointer's connection runs its
    /// own (`checkpoint(quiet:)`): SQLite runs one at a time and answers the second BUSY at
    /// once. The pass stands: the pages are released, and the checkpoint that was running cuts
    /// the file.
    @Test func aCheckpointRunningElsewhereDoesNotFailTheRelease() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        try await store.pool.write { db in
            try db.execute(sql: "CREATE TABLE scratch (data BLOB)")
            for _ in 0..<100 { try db.execute(sql: "INSERT INTO scratch VALUES (randomblob(8192))") }
        }
        try await store.pool.write { db in try db.execute(sql: "DROP TABLE scratch") }
        #expect(try store.fileStats().freePages >= 200)

        let held = try await HeldCheckpoint(path: database.path)

        // The checkpoint lock is taken, the write lock free: the release vacuums, and its own
        // checkpoint finds the other one running.
        let release: Result<Int64, any Error>
        do { release = .success(try await store.releaseFreePages()) } catch { release = .failure(error) }
        try await held.end()
        let released = try release.get()
        let vacuumed = try store.fileStats()
        #expect(vacuumed.freePages == 0)
        #expect(released >= 200 * Int64(vacuumed.pageSize))
        let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int)
        #expect(Int64(fileSize) == vacuumed.bytes, "the checkpoint that was running cut the file to its pages")
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func aFileOfV7IsRewrittenInIncrementalModeWithItsRows() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(at: database.folder, withIntermediateDirectories: true)
        try SchemaHistory.createDatabase(at: database.path, upTo: "v7-notifications-and-audit")
        let queue = try DatabaseQueue(path: database.path)
        try await queue.write { db in
            for n in 0..<200 {
                try db.execute(sql: """
                    INSERT INTO payloads (received_at, source, content_type, encoding, size, data) VALUES (?, 1, 'text/plain', 0, 4096, ?)
                    """, arguments: [n, Data(pseudoRandomBytes(count: 4096, seed: UInt64(n)))])
            }
            try db.execute(sql: "DELETE FROM payloads WHERE id > 100")
        }
        #expect(try await queue.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") } == 0)
        try queue.close()

        let store = try SQLiteStore(path: database.path)
        let stats = try store.fileStats()
        #expect(stats.autoVacuum == DatabaseFileStats.incremental)
        #expect(stats.freePages == 0, "the VACUUM left no free page")
        #expect(try await Self.count("payloads", in: store) == 100)
        #expect(try await store.payload(id: 100)?.bytes == pseudoRandomBytes(count: 4096, seed: 99))
        #expect(try store.appliedMigrations().last == SchemaHistory.migrations.last)
        #expect(try store.integrityCheck() == "ok")
    }
}

/// `withTemporaryStore` for synchronous bodies.
func withTemporaryStoreSync<R>(_ body: (SQLiteStore) throws -> R) throws -> R {
    let database = TemporaryDatabase()
    defer { database.remove() }
    return try body(try SQLiteStore(path: database.path))
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
