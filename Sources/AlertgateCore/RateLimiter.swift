/// Token buckets by key (a token's name, a peer's address): each holds up to `burst` requests
/// and refills at `rate` per second. Pure: the caller passes the time. Full buckets are
/// forgotten when there are many, so a flood of addresses cannot grow it without bound.
public struct RateLimiter: Sendable {
    public var rate: Double
    public var burst: Double
    private var buckets: [String: (tokens: Double, at: Timestamp)] = [:]
    /// Above this many keys, those whose bucket has refilled are dropped.
    public var maxKeys = 10_000

    public init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(burst, 1)
    }

    public var keyCount: Int { buckets.count }

    /// nil: admitted (one request taken from `key`'s bucket); else how long until it would be.
    public mutating func admit(_ key: String, at now: Timestamp) -> Duration? {
        var bucket = buckets[key] ?? (burst, now)
        let elapsed = Double(max(0, now.milliseconds - bucket.at.milliseconds)) / 1000
        bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
        bucket.at = now
        defer {
            buckets[key] = bucket
            if buckets.count > maxKeys { prune(at: now) }
        }
        guard bucket.tokens < 1 else {
            bucket.tokens -= 1
            return nil
        }
        return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
    }

    private mutating func prune(at now: Timestamp) {
        buckets = buckets.filter { _, bucket in
            bucket.tokens + Double(max(0, now.milliseconds - bucket.at.milliseconds)) / 1000 * rate < burst
        }
    }
}
