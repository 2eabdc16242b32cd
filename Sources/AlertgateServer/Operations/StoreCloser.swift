import AlertgatePostgres
import ServiceLifecycle

/// Closes the PostgreSQL store's connections, and with them its writer lock, once the gateway
/// stops: first among the application's services, so it stops after the pipeline has drained
/// and the sender and retention have ended.
struct StoreCloser: Service {
    let store: PostgresStore

    func run() async throws {
        try? await gracefulShutdown()
        await store.close()
    }
}
