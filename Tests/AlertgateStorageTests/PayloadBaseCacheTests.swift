import AlertgateCore
import AlertgateTesting
@testable import AlertgateStorage
import Testing

/// The tests name their keys; the cache holds them hashed, as `PayloadCompressor` gives them.
private extension PayloadBaseCache {
    mutating func entry(_ name: String) -> Entry? { entry(Self.key(source: .alertmanagerAPI, name)) }
    mutating func set(_ name: String, _ entry: Entry) { set(Self.key(source: .alertmanagerAPI, name), entry) }
}

@Suite("PayloadBaseCache: within its budget, keys seen once on probation")
struct PayloadBaseCacheTests {
    static func entry(bytes: Int) -> PayloadBaseCache.Entry {
        PayloadBaseCache.Entry(base: PayloadBase(bytes: [UInt8](repeating: 7, count: bytes), storedSize: bytes / 10))
    }

    @Test func aKeyIsHashedWithItsSource() {
        let key = PayloadBaseCache.key(source: .alertmanagerAPI, "3f2a9c")
        #expect(key == PayloadBaseCache.key(source: .alertmanagerAPI, "3f2a9c"))
        #expect(key != PayloadBaseCache.key(source: .grafana, "3f2a9c"))
        #expect(key != PayloadBaseCache.key(source: .alertmanagerAPI, "3f2a9d"))
    }

    /// Random bases up to a third of the budget (larger than either part's generations take),
    /// for keys new and old, looked up at random: the bytes kept never pass the budget.
    @Test(arguments: 0..<4)
    func theBasesKeptStayWithinTheBudget(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let budget = 1 << 20
        var cache = PayloadBaseCache(budget: budget)
        var nextKey = 0
        for step in 0..<5_000 {
            let key = random.below(3) == 0 ? "k\(random.below(max(nextKey, 1)))" : { nextKey += 1; return "k\(nextKey)" }()
            if random.below(2) == 0 {
                _ = cache.entry(key)
            } else {
                cache.set(key, Self.entry(bytes: random.below(4) == 0 ? random.below(budget / 3) : random.below(budget / 64)))
            }
            #expect(cache.totalBytes <= budget, "step \(step)")
        }
    }

    @Test func keysSeenOnceHoldOnlyTheProbation() {
        let budget = 1 << 20
        var cache = PayloadBaseCache(budget: budget)
        for index in 0..<2_000 { cache.set("once-\(index)", Self.entry(bytes: 4_000)) }
        #expect(cache.totalBytes <= budget / PayloadBaseCache.probationShare)
        #expect(cache.totalBytes > 0)
    }

    @Test func aKeyUsedAgainMovesToTheMainPartAndStays() {
        var cache = PayloadBaseCache(budget: 1 << 20)
        cache.set("resent", Self.entry(bytes: 10_000))
        #expect(cache.entry("resent") != nil)
        for index in 0..<2_000 { cache.set("once-\(index)", Self.entry(bytes: 4_000)) }
        #expect(cache.entry("resent") != nil, "keys seen once do not push it out")
    }

    @Test func aFirstBaseTooLargeForTheProbationIsNotKeptButItsKeyIs() {
        let budget = 1 << 20
        var cache = PayloadBaseCache(budget: budget)
        cache.set("large", Self.entry(bytes: budget / 6))
        #expect(cache.entry("large") == nil)
        cache.set("large", Self.entry(bytes: budget / 6))
        #expect(cache.entry("large") != nil, "the second base goes to the main part")
        cache.set("huge", Self.entry(bytes: budget / 3))
        cache.set("huge", Self.entry(bytes: budget / 3))
        #expect(cache.entry("huge") == nil, "past a quarter of the budget nothing is kept")
    }
}
