/// The pipeline's bookkeeping: when to correlate a batch, when to commit it, when to answer
/// its callers, and what to do after a failed commit. Pure: it takes events and returns the
/// actions `IngestPipeline` carries out, and holds no job, store or clock.
///
/// | state | event | actions | next state |
/// |---|---|---|---|
/// | idle | `next`, work waits | build | building |
/// | idle, a batch in flight | `next`, no work waits | awaitCommitOrWork (answer it as soon as it ends) | idle |
/// | idle | `next`, closing, nothing in flight | stop | stopped |
/// | building | `storeNeeded`, a batch in flight | awaitCommit | waitingForStore |
/// | building | `batchBuilt` | commit; if empty, reply at once | idle |
/// | building on a batch in flight | `batchBuilt` | gatherWhileCommitting | waitingToCommit |
/// | waitingToCommit | `extendWhileCommitting` (work queued, room left) | extend | building |
/// | waitingToCommit | `commitEnded`, stored | extend the built one, then reply | building |
/// | waitingForStore | `commitEnded`, stored | resumeBuilding, then reply | building |
/// | any with a batch in flight | `commitEnded`, failed | reply, abandon what was built on it, rebuild | rebuilding |
/// | rebuilding | `rebuildEnded`, rebuilt | acceptWork if work was refused | idle |
/// | rebuilding | `rebuildEnded`, failed | refuseWork (the first time), rebuild after a doubled delay; stop when closing | rebuilding, stopped |
///
/// At most two batches exist at once: one in flight (committing) and one being built on top
/// of it, so correlation and the SQLite writer work at the same time while commits stay
/// serial and in order. A built batch takes in what is queued while it waits for the commit
/// before it (`extend`), as it arrives and once more when that commit ends: requests that came
/// in during that commit are committed with it, not one commit later, so batches grow with the
/// load instead of a commit cycle being added to every late arrival, and they are correlated
/// while the writer works, so the next commit starts as soon as the one before it ends. The
/// callers of a stored batch are answered only after the batch built on it is finished and
/// handed to the writer: the answers wake their requests' tasks, which would otherwise take the
/// cores while the writer waits (a hundred alerts per POST: +18 % alerts a second, measured).
/// Nothing built on a failed commit is stored or kept: its callers are
/// answered, and the correlator is rebuilt from the store before any other job is taken.
struct PipelineStateMachine {
    typealias BatchID = Int

    enum Action: Hashable {
        /// Nothing to do until a job is queued, the expiry tick fires or the queue closes.
        case waitForWork
        /// Take the waiting work (jobs, a due expiry) and correlate it into batch `id`.
        case build(BatchID)
        /// Go on correlating batch `id`: the store now holds every batch before it. As with
        /// `extend`, what it leads to comes before the actions already listed.
        case resumeBuilding(BatchID)
        /// Batch `id`, built while the one before it committed, may now be committed: first take
        /// into it the work queued meanwhile (up to the batch limit), then report `batchBuilt`.
        /// The actions that reports come before any already listed (the answers of the commit
        /// that just ended).
        case extend(BatchID)
        /// Wait for batch `id`, in flight, to commit or fail, and report it (`commitEnded`).
        case awaitCommit(BatchID)
        /// Wait for batch `id`, in flight, to commit or fail (report it: `commitEnded`), or for
        /// work to be queued, whichever comes first (ask `next` again: it builds on top of `id`).
        case awaitCommitOrWork(BatchID)
        /// Batch `id` is built and waits for batch `inFlight` to commit. Until that commit ends,
        /// take in work as it is queued (`extendWhileCommitting`) while the batch has room;
        /// once it has ended, report it (`commitEnded`).
        case gatherWhileCommitting(BatchID, inFlight: BatchID)
        /// Hand batch `id` to the store.
        case commit(BatchID)
        /// Answer the callers of batch `id`, which has committed or failed.
        case reply(BatchID, stored: Bool)
        /// Batch `id` was built (or was being built) on a failed commit: answer its callers
        /// that nothing was stored, including its jobs not yet correlated, and forget it.
        case abandon(BatchID)
        /// Rebuild the correlator from the store, after waiting `delay` on the clock.
        case rebuild(attempt: Int, delay: Duration)
        /// The store stays unreadable: answer the queued jobs that nothing was stored and turn
        /// new ones away at once (503 with Retry-After), so no caller waits on the back-off
        /// and a shutdown is not held up by requests that cannot be answered.
        case refuseWork
        /// The store is readable again: take jobs again.
        case acceptWork
        /// Stop: answer whatever is still queued that the gateway is shutting down.
        case stop
    }

    private enum State: Hashable {
        case idle(inFlight: BatchID?)
        case building(BatchID, inFlight: BatchID?)
        /// Built, waiting for the batch in flight to commit before it is extended and committed.
        case waitingToCommit(BatchID, inFlight: BatchID)
        /// A command in the batch being built needs the store to hold the batch in flight.
        case waitingForStore(BatchID, inFlight: BatchID)
        case rebuilding(attempt: Int)
        case stopped
    }

    /// The first retry of a rebuild waits this long; each further one twice as long.
    let initialBackoff: Duration
    /// The longest wait between rebuild attempts.
    let maximumBackoff: Duration
    private var state = State.idle(inFlight: nil)
    private var lastBatchID: BatchID = 0
    /// Work is turned away while the store stays unreadable.
    private var refusing = false

    init(initialBackoff: Duration = .milliseconds(500), maximumBackoff: Duration = .seconds(30)) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    var isStopped: Bool { state == .stopped }

    /// The pipeline is free: what next, given whether work waits and whether the queue closed.
    /// Work queued before the queue closed is still done (drained) before stopping.
    mutating func next(workWaiting: Bool, closing: Bool) -> Action {
        guard case .idle(let inFlight) = state else { preconditionFailure("next() while \(state)") }
        if workWaiting {
            lastBatchID += 1
            state = .building(lastBatchID, inFlight: inFlight)
            return .build(lastBatchID)
        }
        // Nothing waits to be correlated: answer the batch in flight as soon as it ends, not at
        // the next job; work queued before then is built on top of it.
        if let inFlight { return .awaitCommitOrWork(inFlight) }
        if closing {
            state = .stopped
            return .stop
        }
        return .waitForWork
    }

    /// A command in the batch being built acts on an incident the correlator does not hold,
    /// and the store is to be asked: it must first hold the batch in flight.
    mutating func storeNeeded() -> Action {
        guard case .building(let id, let inFlight) = state else { preconditionFailure("storeNeeded() while \(state)") }
        guard let inFlight else { return .resumeBuilding(id) }
        state = .waitingForStore(id, inFlight: inFlight)
        return .awaitCommit(inFlight)
    }

    /// The batch being built is complete; `empty` when it holds nothing to write.
    mutating func batchBuilt(empty: Bool) -> [Action] {
        guard case .building(let id, let inFlight) = state else { preconditionFailure("batchBuilt() while \(state)") }
        if let inFlight {
            state = .waitingToCommit(id, inFlight: inFlight)
            return [.gatherWhileCommitting(id, inFlight: inFlight)]
        }
        if empty {
            // Nothing to write; its callers (commands the correlator refused) are answered now.
            state = .idle(inFlight: nil)
            return [.reply(id, stored: true)]
        }
        state = .idle(inFlight: id)
        return [.commit(id)]
    }

    /// Work was queued while the built batch waits for the commit before it: go on building it.
    mutating func extendWhileCommitting() -> Action {
        guard case .waitingToCommit(let id, let inFlight) = state else { preconditionFailure("extendWhileCommitting() while \(state)") }
        state = .building(id, inFlight: inFlight)
        return .extend(id)
    }

    /// The batch in flight committed (`stored`) or failed.
    mutating func commitEnded(_ id: BatchID, stored: Bool) -> [Action] {
        let built: BatchID?
        switch state {
        case .idle(let inFlight) where inFlight == id:
            built = nil
            if stored {
                state = .idle(inFlight: nil)
                return [.reply(id, stored: true)]
            }
        case .waitingToCommit(let next, let inFlight) where inFlight == id:
            built = next
            if stored {
                state = .building(next, inFlight: nil)
                return [.extend(next), .reply(id, stored: true)]
            }
        case .waitingForStore(let next, let inFlight) where inFlight == id:
            built = next
            if stored {
                state = .building(next, inFlight: nil)
                return [.resumeBuilding(next), .reply(id, stored: true)]
            }
        default:
            preconditionFailure("commitEnded(\(id)) while \(state)")
        }
        state = .rebuilding(attempt: 1)
        return [.reply(id, stored: false)] + (built.map { [.abandon($0)] } ?? []) + [.rebuild(attempt: 1, delay: .zero)]
    }

    /// The correlator was rebuilt from the store (`succeeded`), or the store could not be read.
    /// An unreadable store is tried again after a delay that doubles up to `maximumBackoff`,
    /// unless the gateway is closing.
    mutating func rebuildEnded(succeeded: Bool, closing: Bool) -> [Action] {
        guard case .rebuilding(let attempt) = state else { preconditionFailure("rebuildEnded() while \(state)") }
        if succeeded {
            state = .idle(inFlight: nil)
            defer { refusing = false }
            return refusing ? [.acceptWork] : []
        }
        if closing {
            state = .stopped
            return [.stop]
        }
        state = .rebuilding(attempt: attempt + 1)
        let retry = Action.rebuild(attempt: attempt + 1, delay: backoff(beforeAttempt: attempt + 1))
        if refusing { return [retry] }
        refusing = true
        return [.refuseWork, retry]
    }

    /// The wait before rebuild attempt `attempt` (the first goes at once).
    func backoff(beforeAttempt attempt: Int) -> Duration {
        guard attempt > 1 else { return .zero }
        var delay = initialBackoff
        for _ in 2..<attempt where delay < maximumBackoff { delay *= 2 }
        return min(delay, maximumBackoff)
    }
}
