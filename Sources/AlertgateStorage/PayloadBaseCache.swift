/// The latest base of each compression key, bounded by the total bytes of the bases.
///
/// Two generations stand in for LRU at O(1) a step: new and used entries go to `current`;
/// when it holds half the budget it becomes `previous` and the old `previous` is dropped. A
/// hit in `previous` moves back to `current`. So at most `budget` bytes are kept, and an
/// entry survives as long as it is used at least once per half-budget of newer entries.
struct PayloadBaseCache {
    /// `source code/key`.
    typealias Key = String

    struct Entry: Sendable {
        var base: PayloadBase
        /// Dictionary attempts in a row that gained too little.
        var failures = 0
        /// Payloads still to store in full before the next attempt (backs off after failures).
        var skips = 0
    }

    let budget: Int
    private var current: [Key: Entry] = [:]
    private var previous: [Key: Entry] = [:]
    private var currentBytes = 0

    init(budget: Int) {
        self.budget = budget
    }

    /// The entry of `key`, marked as used.
    mutating func entry(_ key: Key) -> Entry? {
        if let entry = current[key] { return entry }
        guard let entry = previous.removeValue(forKey: key) else { return nil }
        put(key, entry)
        return entry
    }

    /// Sets the entry of `key`; bases too big for the budget are not kept.
    mutating func set(_ key: Key, _ entry: Entry) {
        previous.removeValue(forKey: key)
        if let old = current.removeValue(forKey: key) { currentBytes -= old.base.bytes.count }
        guard entry.base.bytes.count <= budget / 4 else { return }
        put(key, entry)
    }

    /// Drops the entries whose base is one of `ids`: their keys start a new base next time.
    mutating func remove(baseIDs ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        for (key, entry) in current where entry.base.id.map(ids.contains) == true {
            current.removeValue(forKey: key)
            currentBytes -= entry.base.bytes.count
        }
        previous = previous.filter { $0.value.base.id.map(ids.contains) != true }
    }

    var totalBytes: Int {
        currentBytes + previous.values.reduce(0) { $0 + $1.base.bytes.count }
    }

    private mutating func put(_ key: Key, _ entry: Entry) {
        current[key] = entry
        currentBytes += entry.base.bytes.count
        if currentBytes > budget / 2 {
            previous = current
            current = [:]
            currentBytes = 0
        }
    }
}
