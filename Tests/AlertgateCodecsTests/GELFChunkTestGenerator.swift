import AlertgateTesting

/// A seeded random number generator (SplitMix64) for the GELF chunk tests, so a failing
/// flood or fuzz run can be repeated from its seed.
struct GELFChunkTestGenerator: RandomNumberGenerator {
    private var random: SeededGenerator

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    mutating func next() -> UInt64 { random.next() }

    /// `count` random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}
