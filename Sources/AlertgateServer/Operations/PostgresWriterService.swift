import AlertgatePostgres
import ServiceLifecycle

/// The PostgreSQL store's side of a running gateway: watches the writer lock's connection while
/// the gateway runs (a lost lock stops the gateway, so it never writes beside the standby that
/// takes over), and closes the connections, and the lock with them, once it stops. First among
/// the application's services, so it stops after the pipeline has drained and the sender and
/// retention have ended.
struct PostgresWriterService: Service {
    let store: PostgresStore

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await store.watchWriterLock() }
            // A store without the lock returns at once: wait for the shutdown all the same.
            try? await gracefulShutdown()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
