import AlertgateCore
import AlertgateServer
import AlertgateTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A store that records what the service asks; `blocking` makes a prune wait (until cancelled,
/// or 30 real seconds at most) to stand for a long pass.
final class RecordingRetentionStore: RetentionStore {
    let blocking: Bool
    let cutoffs = Mutex<[RetentionCutoffs]>([])
    let releases = Atomic<Int>(0)
    let cancelled = Atomic<Bool>(false)

    init(blocking: Bool = false) {
        self.blocking = blocking
    }

    func prune(_ cutoffs: RetentionCutoffs, batchSize: Int) async throws -> RetentionCounts {
        self.cutoffs.withLock { $0.append(cutoffs) }
        var counts = RetentionCounts()
        counts.payloads = 3
        if blocking {
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                cancelled.store(true, ordering: .relaxed)
            }
        }
        return counts
    }

    func releaseFreePages() async throws -> Int64 {
        releases.add(1, ordering: .relaxed)
        return 4096
    }

    var passes: Int { cutoffs.withLock { $0.count } }
    var releaseCount: Int { releases.load(ordering: .relaxed) }
    var wasCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

@Suite("The retention service: soon after start, then every interval, on the injected clock; stops on shutdown")
struct RetentionServiceTests {
    static func run(_ store: RecordingRetentionStore, _ config: RetentionConfig, clock: ManualClock, stats: RetentionStats,
                    _ body: () async throws -> Void) async throws {
        var logger = Logger(label: "retention-test")
        logger.logLevel = .critical
        let service = RetentionService(store: store, config: config, clock: clock, stats: stats, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test func theFirstPassComesAMinuteAfterStartThenOneEveryInterval() async throws {
        let clock = ManualClock()
        let start = clock.now()
        let store = RecordingRetentionStore()
        let stats = RetentionStats()
        var config = RetentionConfig()
        config.interval = .seconds(600)
        try await Self.run(store, config, clock: clock, stats: stats) {
            try #require(try await eventually(timeout: .seconds(60)) { clock.sleeperCount == 1 })
            clock.advance(by: .seconds(59))
            #expect(store.passes == 0 && clock.sleeperCount == 1)
            clock.advance(by: .seconds(1))
            try #require(try await eventually(timeout: .seconds(60)) { stats.snapshot.passes == 1 && clock.sleeperCount == 1 })
            #expect(store.cutoffs.withLock { $0 } == [config.cutoffs(at: start + .seconds(60))])
            #expect(store.releaseCount == 1)
            #expect(stats.snapshot.last?.payloads == 3 && stats.snapshot.last?.releasedBytes == 4096)
            #expect(stats.snapshot.lastSuccessAt == start + .seconds(60))

            clock.advance(by: .seconds(600))
            try #require(try await eventually(timeout: .seconds(60)) { stats.snapshot.passes == 2 && clock.sleeperCount == 1 })
            #expect(stats.snapshot.total.payloads == 6)
        }
        #expect(clock.sleeperCount == 0)
    }

    @Test func shutdownCutsAPassShort() async throws {
        let clock = ManualClock()
        let store = RecordingRetentionStore(blocking: true)
        let stats = RetentionStats()
        try await Self.run(store, RetentionConfig(), clock: clock, stats: stats) {
            try #require(try await eventually(timeout: .seconds(60)) { clock.sleeperCount == 1 })
            clock.advance(by: .seconds(60))
            try #require(try await eventually(timeout: .seconds(60)) { store.passes == 1 })
        }
        // The prune in flight was cancelled, not waited for; the cut pass is not counted.
        #expect(store.wasCancelled)
        #expect(stats.snapshot.passes == 0 && stats.snapshot.failures == 0)
    }

    @Test func withEveryAgeOffItOnlyWaitsForShutdown() async throws {
        let clock = ManualClock()
        let store = RecordingRetentionStore()
        var config = RetentionConfig()
        config.payloads = nil
        config.signals = nil
        config.incidents = nil
        try await Self.run(store, config, clock: clock, stats: RetentionStats()) {
            clock.advance(by: .seconds(86_400))
            #expect(clock.sleeperCount == 0)
        }
        #expect(store.passes == 0)
    }
}
