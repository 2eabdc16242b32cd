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
        #expect(machine.next(workWaiting: false, closing: false) == .awaitCommit(1))
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
        // Built on top of batch 1: it waits for 1 before it is committed, so commits stay in order.
        #expect(machine.batchBuilt(empty: false) == [.awaitCommit(1)])
        #expect(machine.commitEnded(1, stored: true) == [.reply(1, stored: true), .commit(2)])
        #expect(machine.next(workWaiting: false, closing: false) == .awaitCommit(2))
        #expect(machine.commitEnded(2, stored: true) == [.reply(2, stored: true)])
    }

    @Test func anEmptyBatchBuiltOnACommitLeavesNothingInFlight() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        _ = machine.next(workWaiting: true, closing: false)
        #expect(machine.batchBuilt(empty: true) == [.awaitCommit(1)])
        #expect(machine.commitEnded(1, stored: true) == [.reply(1, stored: true), .reply(2, stored: true)])
        #expect(machine.next(workWaiting: false, closing: false) == .waitForWork)
    }

    @Test func aBatchBuiltOnAFailedCommitIsAbandonedAndTheCorrelatorRebuilt() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        _ = machine.next(workWaiting: true, closing: false)
        #expect(machine.batchBuilt(empty: false) == [.awaitCommit(1)])
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
        #expect(machine.batchBuilt(empty: true) == [.awaitCommit(1)])
        // The empty batch built on it is abandoned too: it may hold commands' answers.
        #expect(machine.commitEnded(1, stored: false) == [.reply(1, stored: false), .abandon(2), .rebuild(attempt: 1, delay: .zero)])
    }

    @Test func aCommandThatNeedsTheStoreWaitsForTheCommitInFlight() {
        var machine = Machine()
        _ = machine.next(workWaiting: true, closing: false)
        _ = machine.batchBuilt(empty: false)
        #expect(machine.next(workWaiting: true, closing: false) == .build(2))
        #expect(machine.storeNeeded() == .awaitCommit(1))
        #expect(machine.commitEnded(1, stored: true) == [.reply(1, stored: true), .resumeBuilding(2)])
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
        #expect(machine.batchBuilt(empty: false) == [.awaitCommit(1)])
        #expect(machine.commitEnded(1, stored: true) == [.reply(1, stored: true), .commit(2)])
        #expect(machine.next(workWaiting: false, closing: true) == .awaitCommit(2))
        #expect(machine.commitEnded(2, stored: true) == [.reply(2, stored: true)])
        #expect(machine.next(workWaiting: false, closing: true) == .stop)
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
