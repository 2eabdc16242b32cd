import AlertgateCore
@testable import AlertgateServer
import Testing

/// The pipeline's bookkeeping without a store, a clock or a job: each test is an order of
/// events (work arrives, a batch is built, a command needs the store, a commit succeeds or
/// fails, a rebuild succeeds or fails, the queue closes) and the actions it must give.
@Suite struct PipelineStateMachineTests {
    typealias Machine = PipelineStateMachine

    @Test func withNothingToDoItWaitsAndStopsWhenClosed() {
        var machine = Machine()
        #expect(machine.next(workWaiting: false, closing: false) == .waitForWork)
        #expect(machine.next(workWaiting: false, closing: true) == .stop)
        #expect(machine.isStopped)
    }

    @Test func aLoneBatchIsCommittedAndAnsweredWithoutWaitingForMoreWork() {
        var machine = Machine()
        #expect(machine.next(workWaiting: true, closing: false) == .build(1))
        #expect(machine.batchBuilt(empty: false) == [.commit(1)])
        // No work waits: the commit is awaited now, not when the next job (or tick) comes.
        #expect(machine.next(workWaiting: false, closing: false) == .awaitCommitOrWork(1))
        #expect(machine.commitEnded(1, stored: true) == [.reply(1, stored: true)])
        #expect(machine.next(workWaiting: false, closing: false) == .waitForWork)
    }

    @Test func anEmptyBatchIsNotCommitted() {
        var machine = Machine()
        #expect(machine.next(workWaiting: true, closing: false) == .build(1))
        #expect(machine.batchBuilt(empty: true) == [.reply(1, stored: true)], "answered at once: nothing to write")
        #expect(machine.next(workWaiting: false, closing: false) == .waitForWork)
    }

    @Test func theNextBatchIsBuiltWhileOneCommitsAndCommittedAfterIt() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        #expect(machine.batchBuilt(empty: false) == [.commit(1)])
        #expect(machine.next(workWaiting: true, closing: false) == .build(2))
        // Built on top of batch 1: it waits for 1 before it is committed, so commits stay in order,
        // and meanwhile takes in work as it is queued.
        #expect(machine.batchBuilt(empty: false) == [.gatherWhileCommitting(2, inFlight: 1)])
        #expect(machine.extendWhileCommitting() == .extend(2))
        #expect(machine.batchBuilt(empty: false) == [.gatherWhileCommitting(2, inFlight: 1)], "still waits for 1")
        // Once 1 is stored, 2 takes in what is still queued, then commits; 1's callers are
        // answered after that, so their woken requests do not hold the writer up.
        #expect(machine.commitEnded(1, stored: true) == [.extend(2), .reply(1, stored: true)])
        #expect(machine.batchBuilt(empty: false) == [.commit(2)])
        #expect(machine.next(workWaiting: false, closing: false) == .awaitCommitOrWork(2))
        #expect(machine.commitEnded(2, stored: true) == [.reply(2, stored: true)])
    }

    @Test func anEmptyBatchBuiltOnACommitLeavesNothingInFlight() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        _ = machine.next(workWaiting: true, closing: false)
        #expect(machine.batchBuilt(empty: true) == [.gatherWhileCommitting(2, inFlight: 1)])
        #expect(machine.commitEnded(1, stored: true) == [.extend(2), .reply(1, stored: true)])
        #expect(machine.batchBuilt(empty: true) == [.reply(2, stored: true)], "still empty after extending: answered at once")
        #expect(machine.next(workWaiting: false, closing: false) == .waitForWork)
    }

    @Test func aBatchBuiltOnAFailedCommitIsAbandonedAndTheCorrelatorRebuilt() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        _ = machine.next(workWaiting: true, closing: false)
        #expect(machine.batchBuilt(empty: false) == [.gatherWhileCommitting(2, inFlight: 1)])
        #expect(machine.commitEnded(1, stored: false) == [.reply(1, stored: false), .abandon(2), .rebuild(attempt: 1, delay: .zero)])
        #expect(machine.rebuildEnded(succeeded: true, closing: false) == [])
        // Batch 2 is gone: nothing is in flight, and the next batch starts afresh.
        #expect(machine.next(workWaiting: false, closing: false) == .waitForWork)
        #expect(machine.next(workWaiting: true, closing: false) == .build(3))
        #expect(machine.batchBuilt(empty: false) == [.commit(3)])
    }

    @Test func aFailedLoneCommitIsAnsweredAndRebuilt() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        #expect(machine.next(workWaiting: true, closing: false) == .build(2))
        #expect(machine.batchBuilt(empty: true) == [.gatherWhileCommitting(2, inFlight: 1)])
        // The empty batch built on it is abandoned too: it may hold commands' answers.
        #expect(machine.commitEnded(1, stored: false) == [.reply(1, stored: false), .abandon(2), .rebuild(attempt: 1, delay: .zero)])
    }

    @Test func aCommandThatNeedsTheStoreWaitsForTheCommitInFlight() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        #expect(machine.next(workWaiting: true, closing: false) == .build(2))
        #expect(machine.storeNeeded() == .awaitCommit(1))
        #expect(machine.commitEnded(1, stored: true) == [.resumeBuilding(2), .reply(1, stored: true)])
        // Nothing is in flight any more: a second command in the batch asks the store at once.
        #expect(machine.storeNeeded() == .resumeBuilding(2))
        #expect(machine.batchBuilt(empty: false) == [.commit(2)])
    }

    @Test func aCommandWithNothingInFlightGoesOnAtOnce() {
        var machine = Machine()
        #expect(machine.next(workWaiting: true, closing: false) == .build(1))
        #expect(machine.storeNeeded() == .resumeBuilding(1))
        #expect(machine.batchBuilt(empty: false) == [.commit(1)])
    }

    @Test func aCommandWaitingOnAFailedCommitAbandonsItsWholeBatch() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        _ = machine.next(workWaiting: true, closing: false)
        #expect(machine.storeNeeded() == .awaitCommit(1))
        // The jobs correlated before the command, the command and those after it: all of batch 2.
        #expect(machine.commitEnded(1, stored: false) == [.reply(1, stored: false), .abandon(2), .rebuild(attempt: 1, delay: .zero)])
        #expect(machine.rebuildEnded(succeeded: true, closing: false) == [])
        #expect(machine.next(workWaiting: true, closing: false) == .build(3))
    }

    @Test func anUnreadableStoreIsRetriedWithGrowingDelaysUpToTheMaximum() {
        var machine = Machine(initialBackoff: .milliseconds(500), maximumBackoff: .seconds(4))
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        _ = machine.next(workWaiting: false, closing: false)
        #expect(machine.commitEnded(1, stored: false).last == .rebuild(attempt: 1, delay: .zero))
        // The first failed rebuild turns work away until the store is readable again.
        #expect(machine.rebuildEnded(succeeded: false, closing: false) == [.refuseWork, .rebuild(attempt: 2, delay: .milliseconds(500))])
        var delays: [Duration] = []
        for attempt in 3...7 {
            let actions = machine.rebuildEnded(succeeded: false, closing: false)
            guard case .rebuild(let number, let delay) = actions.first, actions.count == 1, number == attempt else {
                Issue.record("attempt \(attempt): \(actions)")
                return
            }
            delays.append(delay)
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        #expect(machine.rebuildEnded(succeeded: true, closing: false) == [.acceptWork])
        #expect(machine.next(workWaiting: false, closing: false) == .waitForWork)
    }

    @Test func anUnreadableStoreAtShutdownStops() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        _ = machine.next(workWaiting: false, closing: false)
        _ = machine.commitEnded(1, stored: false)
        #expect(machine.rebuildEnded(succeeded: false, closing: true) == [.stop])
        #expect(machine.isStopped)
    }

    @Test func closingDrainsQueuedWorkAndTheCommitInFlightBeforeStopping() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        #expect(machine.next(workWaiting: true, closing: true) == .build(2), "work queued before closing is done")
        #expect(machine.batchBuilt(empty: false) == [.gatherWhileCommitting(2, inFlight: 1)])
        #expect(machine.commitEnded(1, stored: true) == [.extend(2), .reply(1, stored: true)])
        #expect(machine.batchBuilt(empty: false) == [.commit(2)])
        #expect(machine.next(workWaiting: false, closing: true) == .awaitCommitOrWork(2))
        #expect(machine.commitEnded(2, stored: true) == [.reply(2, stored: true)])
        #expect(machine.next(workWaiting: false, closing: true) == .stop)
    }
}

/// Random orders of events, driven the way `IngestPipeline` drives the machine, with the rules
/// every order must keep: commits one at a time and in batch order, every batch answered
/// exactly once, nothing committed that was built on a failed commit, work refused only between
/// a failed rebuild and a successful one, and a stop that leaves nothing unanswered.
@Suite struct PipelineStateMachineRandomOrderTests {
    /// xorshift64*: seeded, so a failing order can be replayed.
    struct Dice {
        var state: UInt64
        mutating func roll(_ sides: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) >> 33) % sides
        }
    }

    @Test(arguments: 1...200)
    func everyOrderKeepsTheRules(seed: Int) {
        var dice = Dice(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1)
        var machine = PipelineStateMachine()
        var actions: [PipelineStateMachine.Action] = []
        var building: Int?
        var inFlight: Int?
        var lastCommitted = 0
        var answered: Set<Int> = []
        var built: Set<Int> = []
        /// Batches built after a commit that then failed: none of them may be committed.
        var builtOnFailure: Set<Int> = []
        var refusing = false
        var closing = false
        var steps = 0
        /// The batch that goes on being built while the batch before it commits.
        var extendingWhileCommitting: Int?
        /// Stored batches whose callers wait until the batch built on them is committed or answered.
        var answeredAfter: [Int: Int] = [:]

        func endCommit(_ id: Int) {
            #expect(inFlight == id, "seed \(seed): awaits \(id), in flight \(String(describing: inFlight))")
            let stored = dice.roll(6) != 0
            inFlight = nil
            if !stored { builtOnFailure.formUnion(built.subtracting(answered).subtracting([id])) }
            let next = machine.commitEnded(id, stored: stored)
            for action in next where stored {
                if case .extend(let built) = action { answeredAfter[id] = built }
                if case .resumeBuilding(let built) = action { answeredAfter[id] = built }
            }
            actions += next
            if !stored { building = nil }
        }

        while !machine.isStopped {
            steps += 1
            guard steps < 10_000 else {
                Issue.record("seed \(seed): no stop after \(steps) steps")
                return
            }
            if steps > 300 { closing = true }
            let action: PipelineStateMachine.Action
            if let id = building {
                // A batch being correlated: finish it, or meet a command that needs the store.
                // As in `IngestPipeline`, nothing else is done meanwhile, and what it leads to
                // comes before the actions already listed.
                if dice.roll(4) == 0 {
                    action = machine.storeNeeded()
                    if action == .resumeBuilding(id) { continue }
                    building = nil
                } else {
                    actions = machine.batchBuilt(empty: dice.roll(5) == 0) + actions
                    building = nil
                    continue
                }
            } else if !actions.isEmpty {
                action = actions.removeFirst()
            } else {
                action = machine.next(workWaiting: !refusing && !closing ? dice.roll(3) != 0 : closing && dice.roll(4) == 0, closing: closing)
            }

            switch action {
            case .waitForWork:
                #expect(!closing && inFlight == nil, "seed \(seed): waits with a batch in flight or while closing")
            case .build(let id):
                #expect(building == nil && !built.contains(id), "seed \(seed): build \(id)")
                #expect(!refusing, "seed \(seed): built while refusing work")
                building = id
                built.insert(id)
            case .resumeBuilding(let id):
                #expect(inFlight == nil, "seed \(seed): resumes \(id) with a commit in flight")
                building = id
            case .extend(let id):
                #expect(inFlight == nil || extendingWhileCommitting == id, "seed \(seed): extends \(id) with a commit in flight")
                extendingWhileCommitting = nil
                building = id
            case .gatherWhileCommitting(let id, let committing):
                #expect(inFlight == committing && built.contains(id) && !answered.contains(id), "seed \(seed): gathers into \(id) while \(committing) commits")
                // Work is queued (the batch goes on being built), or the commit ends.
                if dice.roll(3) == 0 {
                    let next = machine.extendWhileCommitting()
                    #expect(next == .extend(id), "seed \(seed): extending \(id) while \(committing) commits: \(next)")
                    extendingWhileCommitting = id
                    actions.append(next)
                } else {
                    endCommit(committing)
                }
            case .awaitCommit(let id):
                endCommit(id)
            case .awaitCommitOrWork(let id):
                // The commit ends, or work is queued first (the next step asks `next` again).
                if dice.roll(2) == 0 { endCommit(id) } else { #expect(inFlight == id, "seed \(seed): awaits \(id) or work") }
            case .commit(let id):
                #expect(inFlight == nil, "seed \(seed): two commits in flight")
                #expect(id > lastCommitted, "seed \(seed): commit \(id) after \(lastCommitted)")
                #expect(!builtOnFailure.contains(id), "seed \(seed): commits \(id), built on a failed commit")
                inFlight = id
                lastCommitted = id
            case .reply(let id, _), .abandon(let id):
                #expect(answered.insert(id).inserted, "seed \(seed): \(id) answered twice")
                if case .reply(_, true) = action { #expect(!builtOnFailure.contains(id), "seed \(seed): \(id) stored on a failed commit") }
                if let built = answeredAfter.removeValue(forKey: id) {
                    #expect(lastCommitted >= built || answered.contains(built), "seed \(seed): \(id) answered before \(built), built on it, went to the writer")
                }
            case .rebuild:
                #expect(building == nil && inFlight == nil, "seed \(seed): rebuilds with work in hand")
                actions += machine.rebuildEnded(succeeded: dice.roll(3) != 0, closing: closing)
            case .refuseWork:
                #expect(!refusing, "seed \(seed): refuses twice")
                refusing = true
            case .acceptWork:
                #expect(refusing, "seed \(seed): accepts without refusing")
                refusing = false
            case .stop:
                #expect(closing && inFlight == nil && building == nil, "seed \(seed): stops with work in hand")
            }
        }
        #expect(built.subtracting(answered).isEmpty, "seed \(seed): unanswered \(built.subtracting(answered).sorted())")
        #expect(answered.isSubset(of: built), "seed \(seed): answered batches never built")
    }
}

@Suite struct PipelineQueueTests {
    @Test func aRefusingQueueAnswersWhatWaitsAndTurnsNewJobsAway() {
        var queue = PipelineQueue(capacity: 2, maxBatchSignals: 10)
        #expect(queue.append(Self.job()) == nil)
        #expect(queue.refuse().count == 1)
        #expect(queue.append(Self.job()) == .storeUnavailable)
        queue.accept()
        #expect(queue.append(Self.job()) == nil)
        #expect(queue.append(Self.job()) == nil)
        #expect(queue.append(Self.job()) == .overloaded)
        #expect(queue.close().count == 2)
        #expect(queue.append(Self.job()) == .shuttingDown)
    }

    static func job() -> PipelineJob {
        let payload = StoredPayload(source: .events, contentType: "", encoding: .identity, originalSize: 0, bytes: [], receivedAt: Timestamp(milliseconds: 0))
        return .ingest(IngestRequest(payload: payload, signals: []), { _ in })
    }

    @Test func ticksDoNotPileUpAndAClosedQueueTakesNoExpiry() {
        var queue = PipelineQueue(capacity: 2, maxBatchSignals: 10)
        #expect(!queue.hasWork)
        queue.expiryTick()
        queue.expiryTick()
        #expect(queue.hasWork)
        #expect(queue.take().expire)
        #expect(!queue.hasWork, "two ticks, one pass")
        queue.expiryTick()
        queue.closeForDraining()
        #expect(!queue.hasWork)
    }
}
