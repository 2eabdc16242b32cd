import AlertgateCore
import AlertgateServer
import AlertgateStorage
import AlertgateTesting
import Logging
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
        var config = GatewayConfig()
        config.pipeline.expiryInterval = .seconds(3600)
        let pipeline = IngestPipeline(store: try SQLiteStore(path: folder.file("db.sqlite")), config: config,
                                      clock: ManualClock(), metrics: GatewayMetrics(), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run() }
            defer { group.cancelAll() }
            let answered = try await withThrowingTaskGroup(of: Bool.self) { race in
                race.addTask { try await pipeline.submit(request(receivedAt: 1_000)).map(\.decision) == [.opened] }
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

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run() }
            defer {
                store.stopHolding()
                group.cancelAll()
            }
            try #require(try await eventually(timeout: .seconds(60)) { store.held && pipeline.queueDepth == 0 })
            store.releaseHeldCommit(failing: true)

            await #expect(throws: PipelineError.self) { try await answer(first) }
            await #expect(throws: PipelineError.self) { try await answer(second) }
            #expect(try await sqlite.counts().signals == 0)

            // The correlator was rebuilt from the store: the same signal opens a fresh incident
            // with the ids the failed batches had been given.
            let third = try await pipeline.submit(request(receivedAt: 3_000))
            #expect(third.map(\.decision) == [.opened])
            #expect(third.first?.signalID == 1)
            #expect(third.first?.alertID == 1)
            let counts = try await sqlite.counts()
            #expect(counts.signals == 1 && counts.alerts == 1 && counts.incidents == 1)
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

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run() }
            defer {
                store.stopHolding()
                group.cancelAll()
            }
            try #require(try await eventually(timeout: .seconds(60)) { store.held && pipeline.queueDepth == 0 })
            // The second is correlated but not stored before the first.
            #expect(try await sqlite.counts().signals == 0)
            store.releaseHeldCommit(failing: false)

            #expect(try await answer(first).map(\.decision) == [.opened])
            #expect(try await answer(second).map(\.decision) == [.repeat])
            #expect(try await sqlite.signal(id: 2)?.decision == .repeat)
            #expect(try await sqlite.counts().signals == 2)
        }
    }
}

/// A pipeline that commits each job in a batch of its own.
private func oneJobPerBatch(_ store: HeldStore, clock: ManualClock = ManualClock()) -> IngestPipeline {
    var config = GatewayConfig()
    config.pipeline.maxBatchSignals = 1
    return IngestPipeline(store: store, config: config, clock: clock, metrics: GatewayMetrics(), logger: Logger(label: "test"))
}

/// Queues a request at once (in call order) and gives its answer as a one-element stream.
private func enqueue(_ pipeline: IngestPipeline, _ request: IngestRequest) -> AsyncThrowingStream<[Outcome], any Error> {
    let (answer, continuation) = AsyncThrowingStream<[Outcome], any Error>.makeStream()
    pipeline.submit(request) { result in
        continuation.yield(with: result)
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
    }

    func loadCorrelatorState(now: Timestamp, reopenWindow: Duration, keys: Set<String>?) async throws -> CorrelatorState {
        let fail = gate.withLock { gate in
            gate.loads += 1
            return gate.failLoads
        }
        if fail { throw HeldStoreFailure() }
        return try await base.loadCorrelatorState(now: now, reopenWindow: reopenWindow, keys: keys)
    }

    func loadIncident(id: Int64) async throws -> (incident: IncidentState, firingAlerts: [AlertState])? {
        try await base.loadIncident(id: id)
    }
}

private struct HeldStoreFailure: Error {}
