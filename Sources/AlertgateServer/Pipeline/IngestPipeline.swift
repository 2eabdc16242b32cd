import AlertgateCore
import Logging
import ServiceLifecycle
import Synchronization

/// The one place where decisions are made and written: a bounded queue in front of the
/// correlator and the store's single writer.
///
/// Each turn of the loop takes every waiting job (up to `maxBatchSignals` signals), runs the
/// correlator over them in order, commits the result in one transaction (group commit) and
/// only then answers the callers. The next batch is correlated while the previous one
/// commits, so the correlator and the SQLite writer work at the same time; commits still
/// happen one at a time and in order.
public final class IngestPipeline: Service, Sendable {
    private struct Queue {
        var jobs: [PipelineJob] = []
        var closed = false
    }

    private let store: any GatewayStore
    private let clock: any WallClock
    private let config: GatewayConfig
    private let logger: Logger
    let metrics: GatewayMetrics
    private let queue = Mutex(Queue())
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    public init(store: any GatewayStore, config: GatewayConfig, clock: any WallClock = SystemWallClock(), metrics: GatewayMetrics, logger: Logger) {
        self.store = store
        self.config = config
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: - Callers

    /// Places and stores the signals of one request; returns after the commit.
    public func submit(_ request: IngestRequest) async throws -> [Outcome] {
        try await withCheckedThrowingContinuation { continuation in
            submit(request) { continuation.resume(with: $0) }
        }
    }

    /// Queues a request at once and calls `completion` after its commit, or with the reason it
    /// was refused or failed. Requests queued one after another are placed in that order.
    public func submit(_ request: IngestRequest, completion: @escaping @Sendable (Result<[Outcome], any Error>) -> Void) {
        enqueue(.ingest(request, completion), bounded: true) { completion(.failure($0)) }
    }

    /// Carries out a person's command; returns after the commit.
    public func perform(_ command: IncidentCommand) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.command(command, continuation), bounded: true) { continuation.resume(throwing: $0) }
        }
    }

    /// Changes an incident's severity, type, owner or title; returns after the commit.
    public func perform(_ edit: IncidentEdit) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.edit(edit, continuation), bounded: true) { continuation.resume(throwing: $0) }
        }
    }

    /// Jobs waiting for the writer.
    public var queueDepth: Int { queue.withLock { $0.jobs.count } }

    private func enqueue(_ job: PipelineJob, bounded: Bool, reject: (PipelineError) -> Void) {
        let refusal: PipelineError? = queue.withLock { queue in
            if queue.closed { return .shuttingDown }
            if bounded, queue.jobs.count >= config.pipeline.queueCapacity { return .overloaded }
            queue.jobs.append(job)
            return nil
        }
        if let refusal {
            metrics.rejected(refusal == .overloaded ? "queue_full" : "shutting_down")
            reject(refusal)
            return
        }
        wakeContinuation.yield()
    }

    // MARK: - The loop

    public func run() async throws {
        var correlator = Correlator(
            config: config.correlation,
            state: try await store.loadCorrelatorState(now: clock.now(), reopenWindow: config.correlation.reopenWindow))
        logger.info("pipeline started", metadata: [
            "firing_alerts": "\(correlator.state.alerts.count)", "incidents": "\(correlator.state.incidents.count)",
        ])
        let interval = config.pipeline.expiryInterval
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        enqueue(.expire, bounded: false) { _ in }
                    }
                }
                var inFlight: InFlightCommit?
                for await _ in wake {
                    while let jobs = takeJobs() {
                        await process(jobs, correlator: &correlator, inFlight: &inFlight)
                    }
                    // Nothing waits to be correlated: answer the batch in flight now, not when
                    // the next job comes.
                    await settle(&inFlight, correlator: &correlator)
                    if queue.withLock({ $0.closed && $0.jobs.isEmpty }) { break }
                }
                // Drain whatever arrived before the queue closed.
                while let jobs = takeJobs() { await process(jobs, correlator: &correlator, inFlight: &inFlight) }
                await settle(&inFlight, correlator: &correlator)
                group.cancelAll()
            }
        } onGracefulShutdown: { [self] in
            queue.withLock { $0.closed = true }
            wakeContinuation.yield()
            wakeContinuation.finish()
        }
        // However the loop ended (graceful shutdown or cancellation), take no more jobs and
        // answer those that came too late, so no caller waits forever.
        let late = queue.withLock { queue in
            queue.closed = true
            defer { queue.jobs.removeAll() }
            return queue.jobs
        }
        for job in late { job.fail(PipelineError.shuttingDown) }
        logger.info("pipeline drained and stopped")
    }

    /// Takes waiting jobs up to the batch limit, or nil when none wait.
    private func takeJobs() -> [PipelineJob]? {
        queue.withLock { queue in
            guard !queue.jobs.isEmpty else { return nil }
            var weight = 0
            var count = 0
            for job in queue.jobs {
                if count > 0, weight + job.weight > config.pipeline.maxBatchSignals { break }
                weight += job.weight
                count += 1
            }
            let taken = Array(queue.jobs.prefix(count))
            queue.jobs.removeFirst(count)
            return taken
        }
    }

    /// A batch handed to the store and not yet committed, with the answers that wait for it.
    private struct InFlightCommit {
        let commit: Task<Result<Void, any Error>, Never>
        let replies: [@Sendable (Result<Void, any Error>) -> Void]
        let batch: StoreBatch
        let signalCount: Int
    }

    /// Correlates `jobs` into one batch, waits for the batch before it to commit, and starts
    /// committing this one. Answers go out only after their own batch has committed.
    private func process(_ jobs: [PipelineJob], correlator: inout Correlator, inFlight: inout InFlightCommit?) async {
        var batch = StoreBatch()
        var replies: [@Sendable (Result<Void, any Error>) -> Void] = []
        var signalCount = 0
        // Set when the batch in flight failed while this one was being built on top of it.
        var dependsOnFailed = false
        for job in jobs {
            switch job {
            case .ingest(let request, let reply):
                var outcomes: [Outcome] = []
                outcomes.reserveCapacity(request.signals.count)
                var placed: [PlacedSignal] = []
                placed.reserveCapacity(request.signals.count)
                for (item, signal) in request.signals {
                    let outcome = correlator.ingest(signal, receivedAt: request.payload.receivedAt)
                    outcomes.append(outcome)
                    placed.append(PlacedSignal(signal: signal, item: item, outcome: outcome, receivedAt: request.payload.receivedAt))
                }
                signalCount += placed.count
                batch.entries.append(.ingest(IngestRecord(payload: request.payload, signals: placed)))
                replies.append { [outcomes] result in reply(result.map { outcomes }) }
            case .command(let command, let continuation):
                do {
                    try await ensureKnown(command.incidentID, in: &correlator, batch: batch, inFlight: &inFlight, failed: &dependsOnFailed)
                    let outcome = try correlator.apply(command, at: clock.now())
                    batch.entries.append(.outcome(outcome))
                    replies.append { result in continuation.resume(with: result.map { outcome }) }
                } catch {
                    continuation.resume(throwing: error)
                }
            case .edit(let edit, let continuation):
                do {
                    try await ensureKnown(edit.incidentID, in: &correlator, batch: batch, inFlight: &inFlight, failed: &dependsOnFailed)
                    let outcome = try correlator.edit(
                        incidentID: edit.incidentID, severity: edit.severity, type: edit.type, owner: edit.owner,
                        title: edit.title, by: edit.by, at: clock.now())
                    batch.entries.append(.outcome(outcome))
                    replies.append { result in continuation.resume(with: result.map { outcome }) }
                } catch {
                    continuation.resume(throwing: error)
                }
            case .expire:
                let outcome = correlator.expire(now: clock.now())
                if !outcome.alerts.isEmpty || !outcome.incidents.isEmpty { batch.entries.append(.outcome(outcome)) }
            }
        }
        // This batch was correlated on top of the one in flight: if that one fails, this one
        // must not be stored either.
        if !(await settle(&inFlight, correlator: &correlator)) { dependsOnFailed = true }
        if dependsOnFailed {
            for reply in replies { reply(.failure(PipelineError.storeFailed("an earlier batch it depends on was not stored"))) }
            return
        }
        guard !batch.isEmpty else { return }
        let store = store
        let finalBatch = batch
        inFlight = InFlightCommit(
            commit: Task {
                do {
                    try await store.commit(finalBatch)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            },
            replies: replies, batch: batch, signalCount: signalCount)
    }

    /// Waits for the batch in flight, if any, and answers its callers. After a failed commit
    /// the correlator is rebuilt from the store before anything else happens; returns false then.
    @discardableResult
    private func settle(_ inFlight: inout InFlightCommit?, correlator: inout Correlator) async -> Bool {
        guard let pending = inFlight else { return true }
        inFlight = nil
        switch await pending.commit.value {
        case .success:
            metrics.committed(batch: pending.batch, signals: pending.signalCount)
            for reply in pending.replies { reply(.success(())) }
            return true
        case .failure(let error):
            logger.error("commit failed; the batch is not stored and the correlator is rebuilt from the store", metadata: ["error": "\(error)"])
            metrics.rejected("store_failed")
            for reply in pending.replies { reply(.failure(PipelineError.storeFailed("\(error)"))) }
            // No further job is taken until the correlator again matches what the store holds.
            var attempt = 0
            while true {
                do {
                    correlator = Correlator(config: config.correlation, state: try await store.loadCorrelatorState(
                        now: clock.now(), reopenWindow: config.correlation.reopenWindow))
                    break
                } catch {
                    attempt += 1
                    logger.critical("cannot rebuild the correlator from the store; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                    try? await Task.sleep(for: .seconds(min(attempt, 10)))
                }
            }
            return false
        }
    }

    /// Brings an incident the correlator has forgotten (closed, or resolved long ago) back
    /// from the store so a command can act on it.
    /// The batch being built is looked at first: a command that closed the incident earlier in
    /// it has not committed yet, and the store would answer with the older row. The batch in
    /// flight is committed (or failed) before the store is read.
    private func ensureKnown(
        _ incidentID: Int64, in correlator: inout Correlator, batch: StoreBatch, inFlight: inout InFlightCommit?, failed: inout Bool
    ) async throws {
        guard correlator.state.incidents[incidentID] == nil else { return }
        if let pending = batch.latestSnapshot(ofIncident: incidentID) {
            // Forgotten within this batch means closed: its alerts were resolved with it.
            correlator.restore(pending)
            return
        }
        // The store must hold the batch in flight before it is asked.
        guard await settle(&inFlight, correlator: &correlator) else {
            failed = true
            throw PipelineError.storeFailed("an earlier batch it depends on was not stored")
        }
        guard let incident = try await store.incident(id: incidentID) else {
            throw CommandError(.notFound, "incident \(incidentID) does not exist")
        }
        let firing = try await store.alerts(incidentID: incidentID).filter { $0.status == .firing }
        correlator.restore(incident, firingAlerts: firing)
    }
}
