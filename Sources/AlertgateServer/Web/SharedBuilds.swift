/// One build at a time per key: callers that ask for a key while it is being built wait for
/// that build and share its value, instead of each building it again. Nothing is kept once a
/// build ends, so a caller never gets a value whose build had ended before it asked. The public
/// status page is built this way: a crowd refreshing it during an outage costs the store one
/// build at a time, not one per visitor.
actor SharedBuilds<Value: Sendable> {
    private var running: [String: Task<Value, any Error>] = [:]
    /// Callers waiting on each running build, the first included (for tests).
    private var waiting: [String: Int] = [:]

    func value(_ key: String, build: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task: Task<Value, any Error>
        if let running = running[key] {
            task = running
        } else {
            // The task runs on this actor (it inherits it): `finished` happens before its callers resume.
            task = Task {
                do {
                    let value = try await build()
                    self.finished(key)
                    return value
                } catch {
                    self.finished(key)
                    throw error
                }
            }
            running[key] = task
        }
        waiting[key, default: 0] += 1
        defer { waiting[key, default: 1] -= 1 }
        return try await task.value
    }

    private func finished(_ key: String) {
        running[key] = nil
    }

    /// How many callers wait on the build of `key` now.
    func waiters(_ key: String) -> Int {
        waiting[key] ?? 0
    }
}
