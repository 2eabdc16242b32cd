import AlertgateCore

/// The latest base of each compression key, bounded by the memory the bases take: each one's
/// bytes plus `entryOverhead`.
///
/// A key's first base goes on probation, a small part of the budget (`probationShare`), and
/// moves to the main part when the key comes again. Bodies that never repeat (new alerts,
/// each its own key) then hold no more than the probation's share, not the whole budget,
/// while resends, which come back within an evaluation interval, keep their bases. Keys put
/// on probation are also remembered by their hash alone (`seen`), so a key that comes back
/// after its base left the probation (more resent bodies than the probation holds) starts
/// its next base in the main part: compressed against from its third body on, not never.
///
/// Each part is two generations standing in for LRU at O(1) a step (`Generations`).
struct PayloadBaseCache {
    /// A compression key and its source, hashed (`key(source:_:)`). Two that collide share an
    /// entry: a payload is then tried against the other's base, which costs at most a worse
    /// compression and the other key's base, never a wrong byte (the payload names the base it
    /// was compressed against).
    typealias Key = UInt64

    /// FNV-1a over the source's code and the key: one pass over a few bytes for each payload,
    /// rather than a `String` built for it and hashed again at each of the cache's lookups.
    static func key(source: SignalSource, _ key: String) -> Key {
        var hash = FNV1a64()
        hash.combine(byte: UInt8(truncatingIfNeeded: source.code))
        hash.combine(byte: 0x2F)
        hash.combine(key)
        return hash.value
    }

    struct Entry: Sendable {
        var base: PayloadBase
        /// Dictionary attempts in a row that gained too little.
        var failures = 0
        /// Payloads still to store in full before the next attempt (backs off after failures).
        var skips = 0
    }

    /// What an entry costs beyond its base's bytes, measured on the x86-64 build when keys were
    /// strings (a heap string past 15 bytes; a hashed key costs less, so this errs high): the
    /// `PayloadBase` object and the array header of its bytes, malloc's rounding, and a slot in
    /// each generation's dictionary. Counted so that many small bases (one alert per POST, each
    /// its own key) stay within the budget as well.
    static let entryOverhead = 192
    /// The part of the budget for keys seen once: a quarter, as large as the largest base kept.
    static let probationShare = 4
    /// Keys remembered by hash per generation of `seen`: two generations of at most this many,
    /// 1 MiB of set storage each at most.
    static let seenLimit = 1 << 16

    let budget: Int
    private var main: Generations
    private var probation: Generations
    private var seen: Set<Int> = []
    private var seenBefore: Set<Int> = []

    init(budget: Int) {
        self.budget = budget
        probation = Generations(budget: budget / Self.probationShare)
        main = Generations(budget: budget - budget / Self.probationShare)
    }

    /// The entry of `key`, marked as used: an entry on probation moves to the main part.
    mutating func entry(_ key: Key) -> Entry? {
        if let entry = main.entry(key) { return entry }
        guard let entry = probation.remove(key) else { return nil }
        main.put(key, entry)
        return entry
    }

    /// Sets the entry of `key`: in the main part if it has been there, been used or been seen
    /// before, else on probation. A base is kept only where it fits a generation (half its
    /// part): on probation up to an eighth of the budget, in the main part up to a quarter. A
    /// larger first base is not kept, but its key is remembered, so the next goes to the main part.
    mutating func set(_ key: Key, _ entry: Entry) {
        let known = main.remove(key) != nil
        probation.remove(key)
        let hash = Int(truncatingIfNeeded: key)
        let seenBefore = seen.contains(hash) || self.seenBefore.contains(hash)
        if !seenBefore { remember(hash) }
        let cost = Self.cost(of: entry)
        if known || seenBefore {
            if cost <= budget / Self.probationShare { main.put(key, entry) }
        } else if cost <= probation.budget / 2 {
            probation.put(key, entry)
        }
    }

    private mutating func remember(_ hash: Int) {
        if seen.count >= Self.seenLimit {
            seenBefore = seen
            seen = []
        }
        seen.insert(hash)
    }

    /// Drops the entries whose base is one of `ids`: their keys start a new base next time.
    mutating func remove(baseIDs ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        main.remove { $0.base.id.map(ids.contains) == true }
        probation.remove { $0.base.id.map(ids.contains) == true }
    }

    var totalBytes: Int { main.totalBytes + probation.totalBytes }

    static func cost(of entry: Entry) -> Int {
        entry.base.bytes.count + entryOverhead
    }

    /// Entries within `budget`: new and used ones go to `current`; when the next would take it
    /// past half the budget it becomes `previous` and the old `previous` is dropped. A hit in
    /// `previous` moves back to `current`. So, for entries of at most half the budget, at most
    /// `budget` bytes are kept, and an entry survives as long as it is used at least once per
    /// half-budget of newer entries.
    struct Generations {
        let budget: Int
        private var current: [Key: Entry] = [:]
        private var previous: [Key: Entry] = [:]
        private var currentBytes = 0

        init(budget: Int) {
            self.budget = budget
        }

        mutating func entry(_ key: Key) -> Entry? {
            if let entry = current[key] { return entry }
            guard let entry = previous.removeValue(forKey: key) else { return nil }
            put(key, entry)
            return entry
        }

        @discardableResult
        mutating func remove(_ key: Key) -> Entry? {
            if let old = current.removeValue(forKey: key) {
                currentBytes -= PayloadBaseCache.cost(of: old)
                return old
            }
            return previous.removeValue(forKey: key)
        }

        mutating func remove(where matches: (Entry) -> Bool) {
            for (key, entry) in current where matches(entry) {
                current.removeValue(forKey: key)
                currentBytes -= PayloadBaseCache.cost(of: entry)
            }
            previous = previous.filter { !matches($0.value) }
        }

        mutating func put(_ key: Key, _ entry: Entry) {
            if currentBytes + PayloadBaseCache.cost(of: entry) > budget / 2 {
                previous = current
                current = [:]
                currentBytes = 0
            }
            current[key] = entry
            currentBytes += PayloadBaseCache.cost(of: entry)
        }

        var totalBytes: Int {
            currentBytes + previous.values.reduce(0) { $0 + PayloadBaseCache.cost(of: $1) }
        }
    }
}
