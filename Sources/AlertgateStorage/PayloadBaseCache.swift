/// The latest base of each compression key, bounded by the memory the bases take: each one's
/// bytes plus `entryOverhead`.
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

    /// What an entry costs beyond its base's bytes, measured on the x86-64 build: its key (a
    /// heap string past 15 bytes), the `PayloadBase` object and the array header of its bytes,
    /// malloc's rounding, and a slot in each generation's dictionary. Counted so that many small
    /// bases (one alert per POST, each its own key) stay within the budget as well.
    static let entryOverhead = 192

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
        if let old = current.removeValue(forKey: key) { currentBytes -= Self.cost(of: old) }
        guard Self.cost(of: entry) <= budget / 4 else { return }
        put(key, entry)
    }

    /// Drops the entries whose base is one of `ids`: their keys start a new base next time.
    mutating func remove(baseIDs ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        for (key, entry) in current where entry.base.id.map(ids.contains) == true {
            current.removeValue(forKey: key)
            currentBytes -= Self.cost(of: entry)
        }
        previous = previous.filter { $0.value.base.id.map(ids.contains) != true }
    }

    var totalBytes: Int {
        currentBytes + previous.values.reduce(0) { $0 + Self.cost(of: $1) }
    }

    private static func cost(of entry: Entry) -> Int {
        entry.base.bytes.count + entryOverhead
    }

    private mutating func put(_ key: Key, _ entry: Entry) {
        current[key] = entry
        currentBytes += Self.cost(of: entry)
        if currentBytes > budget / 2 {
            previous = current
            current = [:]
            currentBytes = 0
        }
    }
}
