import AlertgateCore
import AlertgatePostgres
import Logging
import ServiceLifecycle

/// With gateways writing to one database side by side (`storage.writers: all`), what one is
/// told reaches the others within `interval`: a silence made, changed or expired through one
/// is put in force on each (they read the silences and take them when they differ), and a
/// config reload asked of one (SIGHUP, `POST /api/v1/admin/reload`) makes each reload its own
/// file (`reloads` rows, `Reloader.announce`).
struct ReplicaSync: Service {
    let store: PostgresStore
    let silences: SilenceService
    let reloader: Reloader
    let clock: any WallClock
    let logger: Logger
    static let interval = Duration.seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastReload = (try? await store.reloads(after: 0).last) ?? 0
            while (try? await clock.sleep(for: Self.interval)) != nil {
                do {
                    let reloads = try await store.reloads(after: lastReload)
                    lastReload = reloads.last
                    if reloads.byOthers {
                        _ = await reloader.reload(trigger: Reloader.byAnotherGateway)
                    } else if try await silences.refreshIfChanged() {
                        logger.info("silences changed through another gateway; now in force here")
                    }
                } catch {
                    logger.error("cannot read what other gateways changed; tried again in a second", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
