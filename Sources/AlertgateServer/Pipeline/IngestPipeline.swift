import AlertgateCore
import Logging
import ServiceLifecycle
import Synchronization

/// The one place where decisions are made and written: a bounded queue in front of the
/// correlator and the store's single writer.
///
/// Each batch takes the waiting jobs (up to `maxBatchSignals` signals), runs the correlator
/// over them in order, commits the result in one transaction (group commit) and only then
/// answers the callers. When to build, commit, answer and rebuild is decided by
/// `PipelineStateMachine`; this service carries its actions out.
public final class IngestPipeline: Service, Sendable {
    typealias Action = PipelineStateMachine.Action
    typealias BatchID = PipelineStateMachine.BatchID

    private let store: any StoreWriter
    /// The store's turns, when gateways write to it side by side: batches are built and
    /// committed only in this gateway's turn.
    private let turns: (any WriterTurns)?
    private let clock: any WallClock
    private let config: GatewayConfig
    /// The rules and silences in force: enrich runs in the callers' tasks (`request`), the
    /// other stages inside the correlator, which takes a changed policy at its next batch.
    let policy: PolicyBook
    private let logger: Logger
    let metrics: GatewayMetrics
    /// Rung after a commit that stored notification deliveries (the sender waits on it).
    public let deliveriesStored = Doorbell()
    private let queue: Mutex<PipelineQueue>
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// Expiry passes carried out (tests wait for one).
    private let expiryPasses = Atomic<Int>(0)
    /// Whether the last transaction failed (disk full, read-only file...): `/readyz` says so
    /// until one commits again.
    private let commitFailing = Atomic<Bool>(false)
    /// Commits that have ended and not yet been reported to the state machine: how long each
    /// took, nil when it failed.
    private let commitsEnded = Mutex<[BatchID: Duration?]>([:])
    /// The `PolicyBook` version the correlator runs under.
    private let appliedPolicyVersion = Atomic<Int>(0)

    public init(
        store: any StoreWriter, config: GatewayConfig, clock: any WallClock = SystemWallClock(), policy: PolicyBook? = nil,
        metrics: GatewayMetrics, logger: Logger
    ) {
        self.store = store
        turns = (store as? any WriterTurns).flatMap { $0.writesInTurns ? $0 : nil }
        self.config = config
        self.clock = clock
        self.policy = policy ?? PolicyBook(policy: config.policy)
        self.metrics = metrics
        self.logger = logger
        queue = Mutex(PipelineQueue(capacity: config.pipeline.queueCapacity, maxBatchSignals: config.pipeline.maxBatchSignals))
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: - Callers

    /// The request for a body and the signals decoded from it, made in the caller's task:
    /// each signal fingerprinted and enriched (service catalog), the body packed by the store.
    /// `key` tells alike bodies apart for compression; by default the first signal's fingerprint.
    /// The signals are prepared in place when the caller hands over the only reference to their
    /// array (a copy of each would retain, and later release, every string it holds).
    public func request(
        body: [UInt8], key: String? = nil, source: SignalSource, contentType: String, receivedAt: Timestamp,
        signals: consuming [(item: Int, signal: Signal)], repeats: [Int: [Int]] = [:], repeatSignal: (@Sendable (_ item: Int) -> Signal?)? = nil
    ) -> IngestRequest {
        let enricher = policy.enricher
        var prepared = signals
        for index in prepared.indices {
            prepared[index].signal.computeFingerprint()
            enricher.enrich(&prepared[index].signal)
        }
        let payload = store.preparePayload(body, key: key ?? prepared.first?.signal.fingerprint?.value ?? "", source: source,
                                           contentType: contentType, receivedAt: receivedAt)
        return IngestRequest(payload: payload, signals: prepared, repeats: repeats, repeatSignal: repeatSignal,
                             enricher: repeats.isEmpty ? nil : enricher)
    }

    /// Places and stores the signals of one request; returns after the commit. The request is
    /// taken over and not held while it waits: the pipeline then holds the only reference to
    /// its signals and moves them into the batch it stores (`PipelineBatch.placeNext`).
    public func submit(_ request: consuming IngestRequest) async throws -> IngestReceipt {
        var handed = Optional(request)
        return try await withCheckedThrowingContinuation { continuation in
            submit(handed.take()!) { continuation.resume(with: $0) }
        }
    }

    /// Queues a request at once and calls `completion` after its commit, or with the reason it
    /// was refused or failed. Requests queued one after another are placed in that order. The
    /// time from here to the answer of a stored request is `alertgate_ingest_latency_seconds`.
    public func submit(_ request: consuming IngestRequest, completion: @escaping @Sendable (Result<IngestReceipt, any Error>) -> Void) {
        let queuedAt = ContinuousClock.now
        let metrics = metrics
        enqueue(.ingest(request) { result in
            if case .success = result { metrics.ingestAnswered(after: .now - queuedAt) }
            completion(result)
        })
    }

    /// Carries out a person's command; returns after the commit.
    public func perform(_ command: IncidentCommand) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.command(command, continuation))
        }
    }

    /// Changes an incident's severity, type, owner or title; returns after the commit.
    public func perform(_ edit: IncidentEdit) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.edit(edit, continuation))
        }
    }

    /// Jobs waiting for the writer.
    public var queueDepth: Int { queue.withLock { $0.jobs.count } }

    /// Whether the last transaction failed; false again once one commits.
    public var isCommitFailing: Bool { commitFailing.load(ordering: .relaxed) }

    /// Expiry passes carried out since the start.
    public var expiryPassCount: Int { expiryPasses.load(ordering: .acquiring) }

    private func enqueue(_ job: consuming PipelineJob) {
        // Handed over, not copied: a copy held here until this returns could keep the loop,
        // already placing the job, from moving its signals.
        var handed = Optional(job)
        let refusal = queue.withLock { queue -> PipelineError? in
            if let refusal = queue.refusal { return refusal }
            return queue.append(handed.take()!)
        }
        if let refusal {
            metrics.rejected(refusal.rejectionCause)
            handed?.fail(refusal)
            return
        }
        wakeContinuation.yield()
    }

    // MARK: - The loop

    /// Runs the loop on a thread of its own (`PipelineThread`, named `ag-pipeline`) until the
    /// queue is drained and closed.
    public func run() async throws {
        try await PipelineThread.run(named: "ag-pipeline") { try await runLoop() }
    }

    private func runLoop() async throws {
        var correlator: Correlator
        if turns != nil {
            // Loaded whole in its first turn (`TurnStart.unknown`), where what it reads is current.
            correlator = Correlator(config: config.correlation)
            takePolicy(into: &correlator, force: true)
            logger.info("pipeline started; the correlator is loaded in this gateway's first turn")
        } else {
            do {
                correlator = try await loadCorrelator()
            } catch {
                for job in queue.withLock({ $0.close() }) { job.fail(PipelineError.shuttingDown) }
                throw error
            }
            logger.info("pipeline started", metadata: [
                "firing_alerts": "\(correlator.state.alerts.count)", "incidents": "\(correlator.state.incidents.count)",
            ])
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [self] in await tickExpiry() }
                await loop(&correlator)
                group.cancelAll()
            }
        } onGracefulShutdown: { [self] in
            queue.withLock { $0.closeForDraining() }
            wakeContinuation.yield()
        }
        // However the loop ended (drained, cancelled, or the store unreadable at shutdown),
        // take no more jobs and answer those left, so no caller waits forever.
        for job in queue.withLock({ $0.close() }) { job.fail(PipelineError.shuttingDown) }
        logger.info("pipeline drained and stopped")
    }

    /// Carries out the state machine's actions until it stops.
    private func loop(_ correlator: inout Correlator) async {
        var machine = PipelineStateMachine()
        var batches: [BatchID: PipelineBatch] = [:]
        var wakeups = wake.makeAsyncIterator()
        var actions: [Action] = []
        /// The machine's next actions once commit `id` has ended; nil while it runs.
        func ended(_ id: BatchID) -> [Action]? {
            guard let duration = commitsEnded.withLock({ $0.removeValue(forKey: id) }) else { return nil }
            return machine.commitEnded(id, stored: committed(batches[id]!, in: duration))
        }
        /// Waits for the loop to be rung (a commit ends, a job is queued), then takes `action` again.
        func retryWhenRung(_ action: Action) async {
            _ = await wakeups.next()
            actions.insert(action, at: 0)
        }
        /// With `turns`: when this gateway's turn began; nil while it holds none. A turn is held
        /// while batches follow each other, up to `turnLength`, and ended with nothing in flight.
        var turnBegan: ContinuousClock.Instant?
        func turnIsOver() -> Bool {
            turnBegan.map { .now - $0 > Self.turnLength } ?? false
        }
        func endTurn() async {
            guard let turns, turnBegan != nil else { return }
            turnBegan = nil
            do {
                try await turns.endTurn()
            } catch {
                logger.error("cannot end this gateway's turn to write", metadata: ["error": "\(error)"])
            }
        }
        while !machine.isStopped {
            if actions.isEmpty, batches.isEmpty, turnIsOver() { await endTurn() }
            let action = actions.isEmpty
                ? machine.next(workWaiting: queue.withLock { $0.hasWork } && !turnIsOver(), closing: closing()) : actions.removeFirst()
            switch action {
            case .waitForWork:
                await endTurn()
                _ = await wakeups.next()
            case .build(let id):
                if let turns, turnBegan == nil {
                    if await beginTurn(turns, &correlator) {
                        turnBegan = .now
                    } else {
                        // The database cannot be reached: what waits is refused (503), not held.
                        let refused = queue.withLock { $0.take() }.jobs
                        metrics.rejected(PipelineError.storeUnavailable.rejectionCause, count: Int64(refused.count))
                        for job in refused { job.fail(PipelineError.storeUnavailable) }
                        batches[id] = PipelineBatch(PipelineQueue.Work(jobs: [], expire: false))
                        actions += machine.batchBuilt(empty: true)
                        try? await clock.sleep(for: Self.turnRetryDelay)
                        continue
                    }
                }
                takePolicy(into: &correlator)
                batches[id] = PipelineBatch(queue.withLock { $0.take() })
                actions += await correlate(id, &batches[id]!, &correlator, &machine)
            case .resumeBuilding(let id):
                actions = await correlate(id, &batches[id]!, &correlator, &machine) + actions
            case .extend(let id):
                let room = config.pipeline.maxBatchSignals - batches[id]!.weight
                if room > 0 {
                    takePolicy(into: &correlator, midBatch: true)
                    batches[id]!.extend(with: queue.withLock { $0.take(room: room) })
                }
                actions = await correlate(id, &batches[id]!, &correlator, &machine) + actions
            case .awaitCommit(let id):
                if let next = ended(id) {
                    actions += next
                } else {
                    await retryWhenRung(action)
                }
            case .awaitCommitOrWork(let id):
                if let next = ended(id) {
                    actions += next
                } else if !queue.withLock({ $0.hasWork }) || turnIsOver() {
                    await retryWhenRung(action)
                }
                // Otherwise work waits: `next` builds it on top of the batch in flight.
            case .gatherWhileCommitting(let id, let committing):
                if let next = ended(committing) {
                    actions += next
                } else if queue.withLock({ $0.nextJobFits(room: config.pipeline.maxBatchSignals - batches[id]!.weight) }) {
                    actions.append(machine.extendWhileCommitting())
                } else {
                    await retryWhenRung(action)
                }
            case .commit(let id):
                commit(id, batches[id]!.batch)
            case .reply(let id, let stored):
                reply(batches.removeValue(forKey: id)!, stored: stored)
            case .abandon(let id):
                batches.removeValue(forKey: id)!.fail(PipelineError.storeFailed("an earlier batch it was built on was not stored"))
            case .rebuild(let attempt, let delay):
                // The next turn, if any, loads the correlator whole: the failed commit's version is not known.
                await endTurn()
                actions += machine.rebuildEnded(succeeded: await rebuild(&correlator, attempt: attempt, after: delay), closing: closing())
            case .refuseWork:
                let refused = queue.withLock { $0.refuse() }
                metrics.rejected(PipelineError.storeUnavailable.rejectionCause, count: Int64(refused.count))
                for job in refused { job.fail(PipelineError.storeUnavailable) }
            case .acceptWork:
                queue.withLock { $0.accept() }
            case .stop:
                break
            }
        }
        await endTurn()
        // A batch stays in `batches` until it is answered, so this covers the one in flight too.
        assert(batches.isEmpty && commitsEnded.withLock { $0.isEmpty }, "the state machine stopped with batches unanswered")
    }

    /// Whether the pipeline is shutting down (gracefully, or its task was cancelled). The
    /// first time it sees either, it closes the queue: no new jobs, those queued are drained.
    private func closing() -> Bool {
        let stopping = Task.isCancelled || Task.isShuttingDownGracefully
        return queue.withLock { queue in
            if stopping { queue.closeForDraining() }
            return queue.closed
        }
    }

    /// How long a gateway writing in turns keeps its turn while work keeps coming, before it
    /// lets the others waiting have theirs.
    static let turnLength = Duration.milliseconds(20)
    /// The wait before trying again after a turn could not be taken.
    static let turnRetryDelay = Duration.milliseconds(500)

    /// Waits for this gateway's turn to write and brings the correlator up to what the other
    /// gateways wrote meanwhile; false (the turn not held) when the database cannot be read.
    private func beginTurn(_ turns: any WriterTurns, _ correlator: inout Correlator) async -> Bool {
        do {
            switch try await turns.beginTurn() {
            case .current:
                break
            case .behind(let changes):
                correlator.apply(changes)
            case .unknown:
                do {
                    correlator = try await loadCorrelator()
                } catch {
                    try? await turns.endTurn()
                    throw error
                }
            }
            return true
        } catch {
            logger.error("cannot take this gateway's turn to write; the work waiting is refused", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Correlates the jobs of batch `id` not yet correlated. Stops early when a command needs
    /// the store to hold the batch in flight first (`storeNeeded`); `resumeBuilding` goes on.
    private func correlate(_ id: BatchID, _ building: inout PipelineBatch, _ correlator: inout Correlator, _ machine: inout PipelineStateMachine) async -> [Action] {
        if correlator.inhibitionSourcesPending, building.next == 0 {
            // New inhibit rules, taken before this batch placed anything (`takePolicy`), or
            // sources to index again: every firing alert's row is in the store, as the last
            // batch left it, once the batch in flight has committed.
            let action = machine.storeNeeded()
            guard action == .resumeBuilding(id) else { return [action] }
            do {
                try await indexInhibitionSources(&correlator)
            } catch {
                // The batch goes on and the next one asks again: until then an alert that fired
                // before the rules changed inhibits nothing.
                logger.error("cannot read firing alerts to index them as inhibition sources; the next batch tries again", metadata: [
                    "error": "\(error)",
                ])
            }
        }
        if building.expire {
            building.expire = false
            building.add(correlator.expire(now: clock.now()))
            expiryPasses.add(1, ordering: .releasing)
        }
        while building.next < building.jobs.count {
            // Read in place: a copy of the job held while it is placed would keep its signals
            // from moving into the batch.
            if let incidentID = building.jobs[building.next]?.incidentID, correlator.state.incidents[incidentID] == nil {
                if let pending = building.batch.latestSnapshot(ofIncident: incidentID) {
                    // Forgotten within this batch means closed: its alerts were resolved with it.
                    correlator.restore(pending)
                } else {
                    let action = machine.storeNeeded()
                    guard action == .resumeBuilding(id) else { return [action] }
                    do {
                        if let (incident, firing) = try await store.loadIncident(id: incidentID) {
                            correlator.restore(incident, firingAlerts: firing)
                        }
                    } catch {
                        building.failNext(error)
                        continue
                    }
                }
            }
            building.placeNext(in: &correlator, at: clock.now())
        }
        return machine.batchBuilt(empty: building.batch.isEmpty)
    }

    /// Hands batch `id` to the store's writer. When it has committed or failed, on the writer's
    /// thread, what is left to do there is only to note it (`commitsEnded`) and ring the loop.
    private func commit(_ id: BatchID, _ batch: StoreBatch) {
        let started = ContinuousClock.now
        store.commit(batch) { [self] result in
            let duration: Duration?
            switch result {
            case .success:
                duration = .now - started
            case .failure(let error):
                logger.error("commit failed; nothing built on it is stored, and the correlator is rebuilt from the store", metadata: ["error": "\(error)"])
                duration = nil
            }
            commitsEnded.withLock { $0[id] = duration }
            wakeContinuation.yield()
        }
    }

    /// Counts a commit that ended after `duration` (nil: it failed); returns whether it stored.
    private func committed(_ batch: PipelineBatch, in duration: Duration?) -> Bool {
        guard let duration else {
            commitFailing.store(true, ordering: .relaxed)
            return false
        }
        if !batch.batch.isEmpty { metrics.committed(batch.tally, duration: duration) }
        if commitFailing.exchange(false, ordering: .relaxed) { logger.notice("commits succeed again") }
        return true
    }

    private func reply(_ batch: PipelineBatch, stored: Bool) {
        if stored {
            if batch.hasDeliveries { deliveriesStored.ring() }
            for reply in batch.replies { reply(.success(())) }
        } else {
            metrics.rejected(PipelineError.storeFailed("").rejectionCause)
            for reply in batch.replies { reply(.failure(PipelineError.storeFailed("the transaction failed"))) }
        }
    }

    /// Replaces the correlator with one rebuilt from the store; false when the store could
    /// not be read or the gateway began shutting down during the wait.
    private func rebuild(_ correlator: inout Correlator, attempt: Int, after delay: Duration) async -> Bool {
        if delay > .zero {
            let clock = clock
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
        }
        guard !closing() else { return false }
        do {
            correlator = try await loadCorrelator()
            if attempt > 1 { logger.notice("correlator rebuilt from the store", metadata: ["attempt": "\(attempt)"]) }
            return true
        } catch {
            logger.critical("cannot rebuild the correlator from the store; no job is taken until it can", metadata: [
                "error": "\(error)", "attempt": "\(attempt)",
            ])
            return false
        }
    }

    private func loadCorrelator() async throws -> Correlator {
        let state = try await store.loadCorrelatorState(now: clock.now(), reopenWindow: config.correlation.reopenWindow)
        var correlator = Correlator(config: config.correlation, state: state)
        takePolicy(into: &correlator, force: true)
        try await indexInhibitionSources(&correlator)
        return correlator
    }

    /// Indexes as inhibition sources, from their rows, the firing alerts the correlator asks
    /// for: all of them a page at a time (a million rows with their labels are not held at
    /// once), or the few it names.
    private func indexInhibitionSources(_ correlator: inout Correlator) async throws {
        guard correlator.inhibitionSourcesPending else { return }
        if correlator.inhibitionSourcesNeeded {
            var after: Int64 = 0
            while true {
                let page = try await store.firingAlertRows(after: after, limit: Self.inhibitionSourcePage)
                correlator.indexInhibitionSources(page)
                guard page.count == Self.inhibitionSourcePage, let last = page.last else { break }
                after = last.id
            }
        } else {
            correlator.indexInhibitionSources(try await store.firingAlertRows(ids: Array(correlator.inhibitionSourceRowsNeeded)))
        }
        correlator.inhibitionSourcesIndexed()
    }

    static let inhibitionSourcePage = 10_000

    /// Gives the correlator the rules and silences in force when they changed since it last
    /// took them (a reload, a silence added or expired). Its state stays. In the middle of a
    /// batch (`midBatch`) a policy with new inhibit rules waits for the next one, its silences
    /// and classifier with it: the alerts already firing are indexed under them from the
    /// store, which holds them all only between batches.
    private func takePolicy(into correlator: inout Correlator, force: Bool = false, midBatch: Bool = false) {
        let snapshot = policy.current
        guard force || snapshot.version != appliedPolicyVersion.load(ordering: .relaxed) else { return }
        if midBatch, snapshot.policy.correlation.inhibitRules != correlator.rules.inhibitRules { return }
        correlator.classifier = snapshot.policy.classifier
        correlator.rules = snapshot.policy.correlation
        correlator.muter = snapshot.muter(now: clock.now())
        correlator.notifications = snapshot.policy.notifications
        appliedPolicyVersion.store(snapshot.version, ordering: .relaxed)
    }

    /// The expiry tick, on the injected clock: asks for an expiry pass every `expiry_interval`.
    private func tickExpiry() async {
        let interval = config.pipeline.expiryInterval
        while (try? await clock.sleep(for: interval)) != nil {
            queue.withLock { $0.expiryTick() }
            wakeContinuation.yield()
        }
    }
}
