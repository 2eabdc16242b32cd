import AlertgateStorage
import Logging
import ServiceLifecycle

/// Runs the store's WAL checkpoints beside the pipeline's commits (`SQLiteStore+Checkpoint.swift`):
/// every `interval` it checkpoints a WAL past its bound (PASSIVE), and once no commit has come
/// for `quietAfter` it truncates the WAL file (TRUNCATE).
///
/// It sleeps on the monotonic clock, not the gateway's: it keeps the file in shape, and decides
/// nothing the pipeline's time governs.
struct CheckpointService: Service {
    let store: SQLiteStore
    let logger: Logger
    var interval: Duration = .milliseconds(100)
    var quietAfter: Duration = .seconds(1)

    func run() async throws {
        do {
            try await store.takeOverCheckpoints()
        } catch {
            logger.error("WAL checkpoints stay on the writer: \(error)")
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            var lastCommits = store.commitCount
            var quietSince = ContinuousClock.now
            var truncated = false
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                let commits = store.commitCount
                if commits != lastCommits {
                    lastCommits = commits
                    quietSince = .now
                    truncated = false
                }
                let quiet = !truncated && ContinuousClock.now - quietSince >= quietAfter
                do {
                    if case .truncate(true) = try await store.checkpoint(quiet: quiet) { truncated = true }
                } catch {
                    logger.warning("WAL checkpoint failed; the writer's own checkpoint remains", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
