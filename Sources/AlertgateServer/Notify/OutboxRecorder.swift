import AlertgateCore

/// Records delivery results in batches: the results that arrive while one transaction is
/// being written go together in the next, as the pipeline's group commit does for signals.
/// Each caller returns once its own result is stored.
actor OutboxRecorder {
    private let outbox: any NotificationStore
    private var queued: [(id: Int64, result: DeliveryResult)] = []
    private var waiting: [CheckedContinuation<Void, any Error>] = []
    private var writing = false

    init(outbox: any NotificationStore) {
        self.outbox = outbox
    }

    func record(id: Int64, _ result: DeliveryResult) async throws {
        queued.append((id, result))
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(continuation)
            if !writing {
                writing = true
                Task { await self.write() }
            }
        }
    }

    private func write() async {
        while !queued.isEmpty {
            let batch = queued
            let callers = waiting
            queued = []
            waiting = []
            do {
                try await outbox.recordDeliveries(batch)
                for caller in callers { caller.resume() }
            } catch {
                for caller in callers { caller.resume(throwing: error) }
            }
        }
        writing = false
    }
}
