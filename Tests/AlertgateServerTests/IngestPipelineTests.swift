import AlertgateCore
import AlertgateServer
import AlertgateStorage
import AlertgateTesting
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The pipeline correlates a batch while the one before it commits. These tests hold a
/// commit open, fail it, and check that nothing built on top of it is stored or answered 2xx.
@Suite struct IngestPipelineTests {
    /// A lone request is answered after its own commit, not when some later job (such as the
    /// expiry tick, here an hour away) happens to come.
    @Test func aLoneRequestIsAnsweredWithoutWaitingForAnotherJob() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let pipeline = testPipeline(try SQLiteStore(path: folder.file("db.sqlite")), config: configWithExpiryAnHourAway())
        try await runPipeline(pipeline) { pipeline in
            let answered = try await withThrowingTaskGroup(of: Bool.self) { race in
                race.addTask { try await pipeline.submit(request(receivedAt: 1_000)).outcomes.map(\.decision) == [.opened] }
                race.addTask {
                    try await Task.sleep(for: .seconds(60))
                    return false
                }
                defer { race.cancelAll() }
                return try await race.next() ?? false
            }
            #expect(answered, "the request was not answered within a minute")
        }
    }

    @Test func aBatchBuiltOnAFailedCommitIsNotStored() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sqlite = try SQLiteStore(path: folder.file("db.sqlite"))
        let store = HeldStore(sqlite)
        let pipeline = oneJobPerBatch(store)
        // Both wait before the loop starts: the first batch is held at the store, and the
        // second, a repeat of the first's alert, is correlated on top of it meanwhile.
        store.holdNextCommit()
        let first = enqueue(pipeline, request(receivedAt: 1_000))
        let second = enqueue(pipeline, request(receivedAt: 2_000))

        try await whileFirstCommitHeld(pipeline, store) {
            store.releaseHeldCommit(failing: true)

            await #expect(throws: PipelineError.self) { try await answer(first) }
            await #expect(throws: PipelineError.self) { try await answer(second) }
            #expect(try await sqlite.counts().signals == 0)

            // The correlator was rebuilt from the store: the same signal opens a fresh incident
            // with the ids the failed batches had been given.
            let third = try await pipeline.submit(request(receivedAt: 3_000)).outcomes
            #expect(third.map(\.decision) == [.opened])
            #expect(third.first?.signalID == 1)
            #expect(third.first?.alertID == 1)
            let counts = try await sqlite.counts()
            #expect(counts.signals == 1 && counts.alerts == 1 && counts.incidents == 1)
        }
    }

    @Test func requestsQueuedDuringACommitJoinTheBatchBuiltBeforeThem() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = HeldStore(try SQLiteStore(path: folder.file("db.sqlite")))
        var config = GatewayConfig()
        config.pipeline.maxBatchSignals = 2
        let pipeline = testPipeline(store, config: config)
        store.holdNextCommit()
        // Two signals fill the first batch; the second is built at once on top of its commit.
        let first = enqueue(pipeline, request(receivedAt: 1_000, service: "a", alerts: 2))
        let second = enqueue(pipeline, request(receivedAt: 2_000, service: "b"))
        try await whileFirstCommitHeld(pipeline, store) {
            // Queued while the first commit is held: the second batch gathers the first of them
            // (it has room for one signal), the other waits in the queue.
            let later = [3_000, 4_000].map { enqueue(pipeline, request(receivedAt: $0, service: "c\($0)")) }
            try #require(try await eventually(timeout: .seconds(60)) { pipeline.queueDepth == 1 })
            #expect(store.held)
            store.releaseHeldCommit(failing: false)

            #expect(try await answer(first).map(\.decision) == [.opened, .attached])
            #expect(try await answer(second).map(\.decision) == [.opened])
            for answered in later { #expect(try await answer(answered).map(\.decision) == [.opened]) }
            // The second batch took in the first of them, as far as its room of 2 signals went.
            #expect(store.committedRecords == [1, 2, 1])
        }
    }

    @Test func commitsStayInOrderWhileTheNextBatchIsBuilt() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sqlite = try SQLiteStore(path: folder.file("db.sqlite"))
        let store = HeldStore(sqlite)
        let pipeline = oneJobPerBatch(store)
        store.holdNextCommit()
        let first = enqueue(pipeline, request(receivedAt: 1_000))
        let second = enqueue(pipeline, request(receivedAt: 2_000))

        try await whileFirstCommitHeld(pipeline, store) {
            // The second is correlated but not stored before the first.
            #expect(try await sqlite.counts().signals == 0)
            store.releaseHeldCommit(failing: false)

            #expect(try await answer(first).map(\.decision) == [.opened])
            // The second changed nothing but its time: it folded into the first's alert.
            let repeated = try await answer(second)
            #expect(repeated.map(\.decision) == [.repeat] && repeated.first?.fold != nil)
            let counts = try await sqlite.counts()
            #expect(counts.signals == 1 && counts.repeatsFolded == 1)
            #expect(try await sqlite.alert(id: 1)?.count == 2)
        }
    }

    @Test func theLoopRunsOnAThreadOfItsOwn() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = HeldStore(try SQLiteStore(path: folder.file("db.sqlite")))
        try await runPipeline(testPipeline(store, config: configWithExpiryAnHourAway())) { pipeline in
            // Answered: the loop has loaded the correlator.
            _ = try await pipeline.submit(IngestRequest(
                payload: .compressing(Array("{}".utf8), source: .events, contentType: "application/json", receivedAt: Timestamp(milliseconds: 1_000)),
                signals: [(0, Signal(service: "db", title: "DiskFull"))]))
        }
        #expect(store.loadThreads == ["ag-pipeline"])
    }

    @Test func eachStoredRequestIsTimedOnceAndARefusedOneNot() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let metrics = GatewayMetrics()
        let pipeline = testPipeline(try SQLiteStore(path: folder.file("db.sqlite")), config: configWithExpiryAnHourAway(), metrics: metrics)
        let body = Array(#"[{"labels":{"alertname":"DiskFull"}}]"#.utf8)
        func request() -> IngestRequest {
            IngestRequest(payload: .compressing(body, source: .alertmanagerAPI, contentType: "application/json", receivedAt: Timestamp(milliseconds: 1_000)),
                          signals: [(0, Signal(service: "db", title: "DiskFull", labels: ["alertname": "DiskFull"]))])
        }
        try await runPipeline(pipeline) { pipeline in
            _ = try await pipeline.submit(request())
            _ = try await pipeline.submit(request())
        }
        // Stopped: refused at once, and not timed.
        await #expect(throws: PipelineError.shuttingDown) { try await pipeline.submit(request()) }
        let text = String(decoding: metrics.exposition(queueDepth: 0, pendingNotifications: nil, openIncidents: nil), as: UTF8.self)
        #expect(text.split(separator: "\n").contains("alertgate_ingest_latency_seconds_count 2"))
    }

    /// A burst's repeats that do not fold (folding off) are placed one by one, each stored as its
    /// own bytes decode; one whose bytes no longer decode is stored as its lead's signal.
    @Test func repeatsPlacedOneByOneAreStoredAsTheirOwnBytesSayOrAsTheirLead() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sqlite = try SQLiteStore(path: folder.file("db.sqlite"))
        var config = configWithExpiryAnHourAway()
        config.correlation.foldRepeats = false
        let pipeline = testPipeline(sqlite, config: config)
        let lead = Signal(source: .syslog, service: "db", title: "disk full", labels: ["alertname": "DiskFull"])
        let own = Signal(source: .syslog, service: "db", title: "disk full on sda", labels: ["alertname": "DiskFull"])
        let body = Array("<11>disk full\n<11>disk full on sda\n<11>\u{FFFD}".utf8)
        try await runPipeline(pipeline) { pipeline in
            let outcomes = try await pipeline.submit(IngestRequest(
                payload: .compressing(body, source: .syslog, contentType: "text/plain", receivedAt: Timestamp(milliseconds: 1_000)),
                signals: [(0, lead)], repeats: [0: [1, 2]], repeatSignal: { $0 == 1 ? own : nil })).outcomes
            #expect(outcomes.map(\.decision) == [.opened, .repeat, .repeat])
            #expect(outcomes.map(\.signalID) == [1, 2, 3])
        }
        var stored: [StoredSignal] = []
        for id: Int64 in 1...3 { stored.append(try #require(try await sqlite.signal(id: id))) }
        #expect(stored.map(\.item) == [0, 1, 2])
        #expect(stored.map(\.title) == ["disk full", "disk full on sda", "disk full"])
        #expect(Set(stored.map(\.alertID)) == [1])
    }
}

/// After a failed commit, nothing built on it is stored or kept in memory, the callers get
/// an error (503 with Retry-After over HTTP), and a store that stays unreadable is retried on
/// the injected clock with growing delays, not in a loop.
@Suite struct PipelineFailureTests {
    @Test func aCommandWaitingOnAFailedCommitTakesItsWholeBatchDownAndTheCorrelatorIsRebuilt() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sqlite = try SQLiteStore(path: folder.file("db.sqlite"))
        // Incident 1 exists, closed: the correlator forgets it, so a command on it asks the store.
        try await runPipeline(testPipeline(sqlite)) { pipeline in
            _ = try await pipeline.submit(request(receivedAt: 1_000, service: "w"))
            _ = try await pipeline.perform(IncidentCommand(incidentID: 1, action: .close, by: "ana"))
        }

        let store = HeldStore(sqlite)
        var config = GatewayConfig()
        config.pipeline.maxBatchSignals = 3
        let pipeline = testPipeline(store, config: config)
        // Batch A holds x's three signals and is held at the store; batch B is y, the command, z.
        store.holdNextCommit()
        let x = enqueue(pipeline, request(receivedAt: 2_000, service: "x", alerts: 3))
        let y = enqueue(pipeline, request(receivedAt: 2_001, service: "y"))
        let note = Task { try await pipeline.perform(IncidentCommand(incidentID: 1, action: .note, by: "ana", note: "still broken")) }
        try #require(try await eventually(timeout: .seconds(60)) { pipeline.queueDepth == 3 })
        let z = enqueue(pipeline, request(receivedAt: 2_002, service: "z"))

        try await runPipeline(pipeline, onExit: store.stopHolding) { pipeline in
            try #require(try await eventually(timeout: .seconds(60)) { store.held && pipeline.queueDepth == 0 })
            store.releaseHeldCommit(failing: true)
            for stream in [x, y, z] {
                await #expect(throws: PipelineError.self) { try await answer(stream) }
            }
            await #expect(throws: PipelineError.self) { try await note.value }

            #expect(try await sqlite.counts().signals == 1)
            #expect(try await sqlite.timeline(incidentID: 1).allSatisfy { $0.entry.kind != .note })
            // The correlator is a fresh rebuild: y's service opens incident 2 with the ids that
            // follow what the store holds, as if neither batch had been built.
            let again = try await pipeline.submit(request(receivedAt: 3_000, service: "y")).outcomes
            #expect(again.map(\.decision) == [.opened])
            #expect(again.first?.signalID == 2 && again.first?.alertID == 2 && again.first?.incidentID == 2)
        }
    }

    @Test func anUnreadableStoreIsRetriedOnTheClockWithGrowingDelaysAndTurnsWorkAwayMeanwhile() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = HeldStore(try SQLiteStore(path: folder.file("db.sqlite")))
        let clock = ManualClock()
        let pipeline = unreadableAfterAFailedCommit(store, clock: clock)
        try await runPipeline(pipeline, onExit: store.stopHolding) { pipeline in
            try await failACommitAndLoseTheStore(store, pipeline, clock)
            // No caller waits on the back-off: it is answered at once, 503 over HTTP.
            await #expect(throws: PipelineError.storeUnavailable) { try await answer(enqueue(pipeline, request(receivedAt: 2_000))) }

            // Waiting 500 ms on the clock: nothing happens before it has passed.
            clock.advance(by: .milliseconds(499))
            #expect(store.loads == 2 && clock.sleeperCount == 2)
            clock.advance(by: .milliseconds(1))
            try #require(try await eventually(timeout: .seconds(60)) { store.loads == 3 && clock.sleeperCount == 2 })
            // Then 1 s.
            clock.advance(by: .milliseconds(999))
            #expect(store.loads == 3)
            store.failLoads(false)
            clock.advance(by: .milliseconds(1))
            try #require(try await eventually(timeout: .seconds(60)) { store.loads == 4 })
            // Readable again: work is taken, on a correlator rebuilt from the store.
            let stored = try await eventually(timeout: .seconds(60)) {
                (try? await pipeline.submit(request(receivedAt: 3_000)))?.outcomes.first?.decision == .opened
            }
            #expect(stored)
        }
    }

    @Test func anUnreadableStoreStopsBeingRetriedOnGracefulShutdown() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = HeldStore(try SQLiteStore(path: folder.file("db.sqlite")))
        let clock = ManualClock()
        let pipeline = unreadableAfterAFailedCommit(store, clock: clock)
        let group = ServiceGroup(configuration: .init(services: [pipeline], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        defer {
            store.stopHolding()
            running.cancel()
        }
        try await failACommitAndLoseTheStore(store, pipeline, clock)
        await group.triggerGracefulShutdown()
        // The back-off's wait on the clock ends with the shutdown; the clock never moved.
        let stopped = try await withThrowingTaskGroup(of: Bool.self) { race in
            race.addTask { try await running.value; return true }
            race.addTask {
                try await Task.sleep(for: .seconds(60))
                running.cancel()
                return false
            }
            defer { race.cancelAll() }
            return try await race.next() ?? false
        }
        #expect(stopped, "the pipeline did not stop within a minute of the shutdown")
        #expect(store.loads == 2)
        await #expect(throws: PipelineError.shuttingDown) { try await answer(enqueue(pipeline, request(receivedAt: 2_000))) }
    }

    @Test func aCommandRefusedOnTheStateOfAFailedCommitIsAnsweredAsNotStored() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sqlite = try SQLiteStore(path: folder.file("db.sqlite"))
        try await runPipeline(testPipeline(sqlite)) { pipeline in
            _ = try await pipeline.submit(request(receivedAt: 1_000))
        }
        let store = HeldStore(sqlite)
        let pipeline = oneJobPerBatch(store)
        // The resolve is held at the store; the acknowledge, built on it, is refused by the
        // correlator (a resolved incident cannot be acknowledged) while the resolve is not stored.
        store.holdNextCommit()
        let resolve = Task { try await pipeline.perform(IncidentCommand(incidentID: 1, action: .resolve, by: "ana")) }
        try #require(try await eventually(timeout: .seconds(60)) { pipeline.queueDepth == 1 })
        let acknowledge = Task { try await pipeline.perform(IncidentCommand(incidentID: 1, action: .acknowledge, by: "bo")) }
        try #require(try await eventually(timeout: .seconds(60)) { pipeline.queueDepth == 2 })

        try await runPipeline(pipeline, onExit: store.stopHolding) { pipeline in
            try #require(try await eventually(timeout: .seconds(60)) { store.held && pipeline.queueDepth == 0 })
            store.releaseHeldCommit(failing: true)
            await #expect(throws: PipelineError.self) { try await resolve.value }
            await #expect(throws: PipelineError.self, "not 409: the state it was refused on was never stored") {
                try await acknowledge.value
            }
            // On the state the store holds, the incident is open and can be acknowledged.
            let acknowledged = try await pipeline.perform(IncidentCommand(incidentID: 1, action: .acknowledge, by: "bo"))
            #expect(acknowledged.transitions.map(\.kind) == [.incidentAcknowledged])
        }
    }

    /// A pipeline whose expiry tick is an hour away, so the only other sleeper on `clock` is
    /// the rebuild's back-off.
    private func unreadableAfterAFailedCommit(_ store: HeldStore, clock: ManualClock) -> IngestPipeline {
        testPipeline(store, config: configWithExpiryAnHourAway(), clock: clock)
    }

    /// Fails a commit and makes the store unreadable: the first rebuild (at once) fails, and
    /// the second waits on the clock.
    private func failACommitAndLoseTheStore(_ store: HeldStore, _ pipeline: IngestPipeline, _ clock: ManualClock) async throws {
        store.holdNextCommit()
        let first = enqueue(pipeline, request(receivedAt: 1_000))
        try #require(try await eventually(timeout: .seconds(60)) { store.held })
        store.failLoads(true)
        store.releaseHeldCommit(failing: true)
        await #expect(throws: PipelineError.self) { try await answer(first) }
        try #require(try await eventually(timeout: .seconds(60)) { store.loads == 2 && clock.sleeperCount == 2 })
    }
}

@Suite struct PipelineExpiryTests {
    /// Firing alerts keep no labels in memory: new inhibit rules index them from the store
    /// before the next batch; a failed read leaves that batch without them and the next asks again.
    @Test func newInhibitRulesIndexTheFiringAlertsFromTheStoreAndRetryAFailedRead() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = HeldStore(try SQLiteStore(path: folder.file("db.sqlite")))
        let book = PolicyBook()
        let pipeline = testPipeline(store, config: configWithExpiryAnHourAway(), policy: book)
        func submit(_ service: String, _ alertname: String, at seconds: Int64) async throws -> Decision? {
            let signal = Signal(service: service, title: alertname, labels: ["alertname": alertname, "datacenter": "fra1"])
            let at = Timestamp(milliseconds: seconds * 1000)
            let body = Array(#"{"title":"\#(alertname)"}"#.utf8)
            return try await pipeline.submit(IngestRequest(
                payload: .compressing(body, source: .events, contentType: "application/json", receivedAt: at),
                signals: [(0, signal)])).outcomes.first?.decision
        }
        try await runPipeline(pipeline) { _ in
            #expect(try await submit("network", "DatacenterDown", at: 1) == .opened)

            var policy = Policy()
            policy.correlation.inhibitRules = [InhibitRule(sourceMatchers: [try LabelMatcher(parsing: "alertname=DatacenterDown")],
                                                           targetMatchers: [try LabelMatcher(parsing: "service=search")], equal: ["datacenter"])]
            store.failRowReads(true)
            book.replace(policy: policy)
            #expect(try await submit("search", "IndexLag", at: 2) == .opened, "the source's row could not be read")
            #expect(store.rowReads == 1)

            store.failRowReads(false)
            #expect(try await submit("search", "QueryErrors", at: 3) == .suppressed, "read again before this batch")
            #expect(store.rowReads == 2)
            #expect(try await submit("search", "CacheMisses", at: 4) == .suppressed)
            #expect(store.rowReads == 2, "indexed once")
        }
    }

    @Test func theExpiryTickRunsOnTheInjectedClock() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sqlite = try SQLiteStore(path: folder.file("db.sqlite"))
        let clock = ManualClock(Timestamp(milliseconds: 1_000))
        var config = GatewayConfig()
        config.correlation.resolveTimeout = .seconds(300)
        config.pipeline.expiryInterval = .seconds(1)
        let pipeline = testPipeline(sqlite, config: config, clock: clock)
        try await runPipeline(pipeline) { pipeline in
            let opened = try await pipeline.submit(request(receivedAt: 1_000)).outcomes
            let incidentID = try #require(opened.first?.incidentID)
            try #require(try await eventually(timeout: .seconds(60)) { clock.sleeperCount == 1 })
            #expect(pipeline.expiryPassCount == 0, "no pass before the clock moves")

            clock.advance(by: .seconds(200))
            try #require(try await eventually(timeout: .seconds(60)) { pipeline.expiryPassCount == 1 && clock.sleeperCount == 1 })
            #expect(try await sqlite.incident(id: incidentID)?.status == .open, "200 s of silence is within resolve_timeout")

            clock.advance(by: .seconds(101))
            try #require(try await eventually(timeout: .seconds(60)) { pipeline.expiryPassCount == 2 })
            try #require(try await eventually(timeout: .seconds(60)) { try await sqlite.incident(id: incidentID)?.status == .resolved })
            let resolvedAt = Timestamp(milliseconds: 1_000 + 300_000)
            #expect(try await sqlite.transitions(after: 2, limit: 10).map(\.transition) == [
                Transition(kind: .alertResolved, at: resolvedAt, incidentID: incidentID, alertID: 1, severity: .sev2),
                Transition(kind: .incidentResolved, at: resolvedAt, incidentID: incidentID, severity: .sev2),
            ])
        }
    }
}

/// Runs `pipeline` with its first commit held at `store`: `body` runs once that commit is held
/// and nothing else is queued; the hold ends and the pipeline stops when `body` returns.
private func whileFirstCommitHeld(_ pipeline: IngestPipeline, _ store: HeldStore, _ body: () async throws -> Void) async throws {
    try await runPipeline(pipeline, onExit: { store.stopHolding() }) { pipeline in
        try #require(try await eventually(timeout: .seconds(60)) { store.held && pipeline.queueDepth == 0 })
        try await body()
    }
}

/// Runs `pipeline` while `body` runs, then cancels it and waits for it to stop.
func runPipeline(
    _ pipeline: IngestPipeline, onExit: @escaping @Sendable () -> Void = {}, _ body: (IngestPipeline) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await pipeline.run() }
        do {
            try await body(pipeline)
        } catch {
            group.cancelAll()
            onExit()
            throw error
        }
        group.cancelAll()
        onExit()
        try await group.waitForAll()
    }
}

/// A pipeline that commits each job in a batch of its own.
private func oneJobPerBatch(_ store: HeldStore, clock: ManualClock = ManualClock()) -> IngestPipeline {
    var config = GatewayConfig()
    config.pipeline.maxBatchSignals = 1
    return testPipeline(store, config: config, clock: clock)
}

/// A config whose expiry tick is an hour away: in a test, the pipeline's only jobs are its requests.
func configWithExpiryAnHourAway() -> GatewayConfig {
    var config = GatewayConfig()
    config.pipeline.expiryInterval = .seconds(3600)
    return config
}

/// A pipeline on `store` with its own metrics (or `metrics`) and no policy book unless given, on
/// a clock that moves only when a test moves it.
func testPipeline(_ store: any StoreWriter, config: GatewayConfig = GatewayConfig(), clock: ManualClock = ManualClock(),
                  policy: PolicyBook? = nil, metrics: GatewayMetrics = GatewayMetrics()) -> IngestPipeline {
    IngestPipeline(store: store, config: config, clock: clock, policy: policy, metrics: metrics, logger: Logger(label: "test"))
}

/// Queues a request at once (in call order) and gives its answer as a one-element stream.
private func enqueue(_ pipeline: IngestPipeline, _ request: IngestRequest) -> AsyncThrowingStream<[Outcome], any Error> {
    let (answer, continuation) = AsyncThrowingStream<[Outcome], any Error>.makeStream()
    pipeline.submit(request) { result in
        continuation.yield(with: result.map(\.outcomes))
        continuation.finish()
    }
    return answer
}

private func answer(_ stream: AsyncThrowingStream<[Outcome], any Error>) async throws -> [Outcome] {
    for try await outcomes in stream { return outcomes }
    throw CancellationError()
}

private func request(receivedAt milliseconds: Int64, service: String = "checkout", alerts: Int = 1) -> IngestRequest {
    let signals = (0..<alerts).map { n in
        (n, Signal(service: service, title: "\(service) is slow", labels: ["alertname": "Slow\(n)"]))
    }
    let body = Array(#"{"service":"\#(service)","title":"slow"}"#.utf8)
    let at = Timestamp(milliseconds: milliseconds)
    return IngestRequest(
        payload: .compressing(body, source: .events, contentType: "application/json", receivedAt: at),
        signals: signals)
}

/// The write side of a SQLite store that can hold one commit open and then let it through or
/// fail it, and can make loading the correlator's state fail.
private final class HeldStore: StoreWriter, Sendable {
    private struct Gate {
        var holdNext = false
        var held: CheckedContinuation<Bool, Never>?
        var failLoads = false
        var loads = 0
        /// The thread each load was asked from.
        var loadThreads: [String?] = []
        var failRowReads = false
        var rowReads = 0
        var committedRecords: [Int] = []
    }

    private let base: SQLiteStore
    private let gate = Mutex(Gate())

    init(_ base: SQLiteStore) { self.base = base }

    func holdNextCommit() { gate.withLock { $0.holdNext = true } }

    /// Holds nothing more and lets a held commit through, so no task waits forever when a
    /// test gives up early.
    func stopHolding() {
        gate.withLock { gate in
            gate.holdNext = false
            gate.held?.resume(returning: false)
            gate.held = nil
        }
    }

    var held: Bool { gate.withLock { $0.held != nil } }

    func releaseHeldCommit(failing: Bool) {
        gate.withLock { gate in
            gate.held?.resume(returning: failing)
            gate.held = nil
        }
    }

    /// Loading the correlator's state fails while set.
    func failLoads(_ fail: Bool) { gate.withLock { $0.failLoads = fail } }

    /// Attempts to load the correlator's state so far.
    var loads: Int { gate.withLock { $0.loads } }

    var loadThreads: [String?] { gate.withLock { $0.loadThreads } }

    func commit(_ batch: StoreBatch) async throws {
        let fail = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let hold = gate.withLock { gate in
                guard gate.holdNext else { return false }
                gate.holdNext = false
                gate.held = continuation
                return true
            }
            if !hold { continuation.resume(returning: false) }
        }
        if fail { throw HeldStoreFailure() }
        try await base.commit(batch)
        let records = batch.entries.count { if case .ingest = $0 { true } else { false } }
        gate.withLock { $0.committedRecords.append(records) }
    }

    /// The ingest records of each batch committed, in order.
    var committedRecords: [Int] { gate.withLock { $0.committedRecords } }

    func loadCorrelatorState(now: Timestamp, reopenWindow: Duration, keys: Set<String>?) async throws -> CorrelatorState {
        let thread = currentThreadName()
        let fail = gate.withLock { gate in
            gate.loads += 1
            gate.loadThreads.append(thread)
            return gate.failLoads
        }
        if fail { throw HeldStoreFailure() }
        return try await base.loadCorrelatorState(now: now, reopenWindow: reopenWindow, keys: keys)
    }

    func loadIncident(id: Int64) async throws -> (incident: IncidentState, firingAlerts: [AlertState])? {
        try await base.loadIncident(id: id)
    }

    /// Reading firing alerts' rows fails while set.
    func failRowReads(_ fail: Bool) { gate.withLock { $0.failRowReads = fail } }

    /// Reads of firing alerts' rows so far.
    var rowReads: Int { gate.withLock { $0.rowReads } }

    func firingAlertRows(after: Int64, limit: Int) async throws -> [AlertState] {
        let fail = gate.withLock { gate in
            gate.rowReads += 1
            return gate.failRowReads
        }
        if fail { throw HeldStoreFailure() }
        return try await base.firingAlertRows(after: after, limit: limit)
    }

    func firingAlertRows(ids: [Int64]) async throws -> [AlertState] {
        try await base.firingAlertRows(ids: ids)
    }
}

private struct HeldStoreFailure: Error {}
