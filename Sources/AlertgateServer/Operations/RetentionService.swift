import AlertgateCore
import Logging
import ServiceLifecycle

/// Deletes what `retention` says is old enough (`RetentionStore.prune`) and hands the freed
/// pages back to the file system (`RetentionStore.releaseFreePages`): once soon after start,
/// then every `retention.interval`, sleeping on the gateway's clock.
///
/// The store works in short transactions and checks for cancellation between them, so on
/// SIGTERM a pass stops after the transaction in flight; what it did is kept, and the next
/// start's pass goes on from there. A pass that fails is logged and tried again an interval
/// later. With every age off the service only waits for shutdown.
public struct RetentionService: Service {
    let store: any RetentionStore
    let config: RetentionConfig
    let clock: any WallClock
    let stats: RetentionStats
    let logger: Logger

    /// How long after start the first pass waits (`interval` if shorter): the start itself, and
    /// the ingest that queued up during a restart, go first.
    static let firstPassDelay: Duration = .seconds(60)

    public init(store: any RetentionStore, config: RetentionConfig, clock: any WallClock, stats: RetentionStats, logger: Logger) {
        self.store = store
        self.config = config
        self.clock = clock
        self.stats = stats
        self.logger = logger
    }

    public func run() async throws {
        guard config.isEnabled else {
            logger.info("retention is off: everything stored is kept")
            // A service that returns would stop the gateway: wait for its shutdown instead.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            var delay = min(Self.firstPassDelay, config.interval)
            while !Task.isCancelled {
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    return
                }
                await pass()
                delay = config.interval
            }
        }
    }

    /// One pass: prune, then release the free pages. Returns what it did, or nil if it failed
    /// or was cut short by shutdown.
    @discardableResult
    func pass() async -> RetentionCounts? {
        let started = clock.now()
        do {
            // With several gateways on one database, the one holding the lease prunes; it lasts
            // half an interval past the holder's next pass.
            guard try await store.takeRetentionLease(now: started, until: started + config.interval * 3 / 2) else {
                logger.debug("retention pass left to the gateway that holds its lease")
                return nil
            }
            var counts = try await store.prune(config.cutoffs(at: started), batchSize: config.batch)
            counts.releasedBytes = try await store.releaseFreePages()
            guard !Task.isCancelled else {
                logger.info("retention pass stopped by shutdown", metadata: metadata(counts))
                return nil
            }
            stats.passed(counts, at: started)
            let level: Logger.Level = counts.deletedRows > 0 || counts.releasedBytes > 0 ? .info : .debug
            logger.log(level: level, "retention pass", metadata: metadata(counts).merging([
                "seconds": "\(Double(clock.now().since(started).wholeMilliseconds) / 1000)",
            ]) { $1 })
            return counts
        } catch {
            guard !Task.isCancelled else { return nil }
            stats.failed()
            logger.error("retention pass failed; tried again after retention.interval", metadata: [
                "error": "\(error)", "interval": "\(DurationText.format(config.interval))",
            ])
            return nil
        }
    }

    private func metadata(_ counts: RetentionCounts) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for (table, count) in counts.byTable where count > 0 { metadata[table] = "\(count)" }
        if counts.payloadsHeld > 0 { metadata["payloads_held"] = "\(counts.payloadsHeld)" }
        metadata["released_bytes"] = "\(counts.releasedBytes)"
        return metadata
    }
}
