import AlertgateCore

/// The ids of messages completed in the last few seconds, so that a chunk UDP delivers twice
/// after its message completed is recognized as a duplicate instead of opening a new partial
/// message that could only expire. Bounded: the oldest ids are forgotten first.
struct GELFRecentMessages: Sendable {
    private let capacity: Int
    private let window: Duration
    /// Completion time by message id.
    private var completedAt: [UInt64: Timestamp] = [:]
    /// Ids in completion order; a ring once `capacity` is reached.
    private var order: [UInt64] = []
    private var next = 0

    init(capacity: Int, window: Duration) {
        self.capacity = max(1, capacity)
        self.window = window
    }

    /// Whether `id` completed within the window before `now`.
    func contains(_ id: UInt64, at now: Timestamp) -> Bool {
        guard let time = completedAt[id] else { return false }
        return now.since(time) <= window
    }

    /// Remembers that `id` completed at `now`, forgetting the oldest id when full.
    mutating func insert(_ id: UInt64, at now: Timestamp) {
        if completedAt.updateValue(now, forKey: id) != nil { return }
        if order.count < capacity {
            order.append(id)
            return
        }
        completedAt.removeValue(forKey: order[next])
        order[next] = id
        next = (next + 1) % capacity
    }
}
