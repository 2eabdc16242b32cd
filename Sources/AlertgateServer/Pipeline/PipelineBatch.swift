import AlertgateCore

/// A batch being correlated, then committed: its jobs, what they write, and the answers that
/// wait for the commit.
struct PipelineBatch {
    /// Each job until it is correlated (`placeNext`) or answered with an error (`failNext`):
    /// either takes it out.
    private(set) var jobs: [PipelineJob?]
    /// Jobs before this position have been correlated or answered with an error.
    private(set) var next = 0
    /// An expiry pass is due before the jobs.
    var expire: Bool
    private(set) var batch = StoreBatch()
    private(set) var replies: [@Sendable (Result<Void, any Error>) -> Void] = []
    /// What it adds to the gateway's counters once it commits.
    private(set) var tally = CommitTally()
    /// Whether an outcome in it routed a transition to a receiver.
    private(set) var hasDeliveries = false

    /// The signals its jobs carry, as the queue weighs them against `pipeline.max_batch_signals`.
    private(set) var weight: Int

    /// A batch of `work`, taken over: once it is gone, the batch holds the only reference to each
    /// job's signals, which `placeNext` then moves instead of copying.
    init(_ work: consuming PipelineQueue.Work) {
        jobs = work.jobs.map { $0 }
        expire = work.expire
        weight = work.jobs.reduce(0) { $0 + $1.weight }
    }

    /// Takes in work queued while it waits for the commit before it (`PipelineStateMachine.extend`).
    mutating func extend(with work: consuming PipelineQueue.Work) {
        jobs += work.jobs.lazy.map { $0 }
        weight += work.jobs.reduce(0) { $0 + $1.weight }
        expire = expire || work.expire
    }

    /// Keeps an outcome of no job (an expiry pass) if it changed anything.
    mutating func add(_ outcome: Outcome) {
        if !outcome.alerts.isEmpty || !outcome.incidents.isEmpty || !outcome.transitions.isEmpty {
            batch.entries.append(.outcome(outcome))
            noteDeliveries(outcome)
        }
    }

    private mutating func noteDeliveries(_ outcome: Outcome) {
        if !hasDeliveries, outcome.transitions.contains(where: { !$0.deliveries.isEmpty }) { hasDeliveries = true }
    }

    /// Runs the next job through the correlator and takes it out of the batch (`next` moves on).
    /// Its answer waits for the commit, a refusal too: the correlator refused on the state the
    /// batch in flight left, which counts only once that batch is stored.
    mutating func placeNext(in correlator: inout Correlator, at now: Timestamp) {
        // Taken out, not copied: its signals then move into what the writer stores (a copy of
        // each would retain, and later release, every string it holds).
        guard let job = jobs[next].take() else { preconditionFailure("job \(next) placed twice") }
        next += 1
        switch consume job {
        case .ingest(var request, let reply):
            var placed: [PlacedSignal] = []
            placed.reserveCapacity(request.signals.count)
            let receivedAt = request.payload.receivedAt
            for index in request.signals.indices {
                var signal = Signal.taken
                swap(&signal, &request.signals[index].signal)
                let outcome = correlator.ingest(signal, receivedAt: receivedAt)
                noteDeliveries(outcome)
                placed.append(PlacedSignal(signal: signal, item: request.signals[index].item, outcome: outcome, receivedAt: receivedAt))
                guard !request.repeats.isEmpty, let repeats = request.repeats[index] else { continue }
                let lead = placed[placed.count - 1]
                if let folded = correlator.foldArrivals(repeats.count, placedBy: lead.outcome, receivedAt: receivedAt) {
                    placed.append(PlacedSignal(signal: lead.signal, item: repeats[0], outcome: folded, receivedAt: receivedAt))
                    continue
                }
                // Its signal left no firing alert to fold into: each is placed on its own, as
                // its own bytes say (its signal's, should they no longer decode), enriched as its signal was.
                for item in repeats {
                    let own = request.repeatSignal?(item).map { request.enricher?.enrich($0.fingerprinted) ?? $0 }
                    let signal = own ?? lead.signal
                    let outcome = correlator.ingest(signal, receivedAt: receivedAt)
                    noteDeliveries(outcome)
                    placed.append(PlacedSignal(signal: signal, item: item, outcome: outcome, receivedAt: receivedAt))
                }
            }
            tally.add(request.payload, placed: placed)
            batch.entries.append(.ingest(IngestRecord(payload: request.payload, signals: placed)))
            replies.append { [placed] result in reply(result.map { IngestReceipt(placed: placed) }) }
        case .command(let command, let continuation):
            do {
                answer(continuation, with: .success(try correlator.apply(command, at: now)))
            } catch {
                answer(continuation, with: .failure(error))
            }
        case .edit(let edit, let continuation):
            do {
                answer(continuation, with: .success(try correlator.edit(
                    incidentID: edit.incidentID, severity: edit.severity, type: edit.type, owner: edit.owner, title: edit.title,
                    by: edit.by, at: now)))
            } catch {
                answer(continuation, with: .failure(error))
            }
        }
    }

    private mutating func answer(_ continuation: CheckedContinuation<Outcome, any Error>, with decided: Result<Outcome, CommandError>) {
        if case .success(let outcome) = decided {
            batch.entries.append(.outcome(outcome))
            noteDeliveries(outcome)
        }
        replies.append { stored in continuation.resume(with: stored.flatMap { decided.mapError { $0 as any Error } }) }
    }

    /// Answers the next job's caller with `error` instead of correlating it.
    mutating func failNext(_ error: any Error) {
        guard let job = jobs[next].take() else { preconditionFailure("job \(next) answered twice") }
        next += 1
        job.fail(error)
    }

    /// Answers every caller with `error`: those correlated, and the jobs not yet correlated.
    func fail(_ error: PipelineError) {
        for reply in replies { reply(.failure(error)) }
        for job in jobs[next...] { job?.fail(error) }
    }
}
