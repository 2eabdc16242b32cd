import Benchmark

/// Every benchmark measures time, throughput and allocations, and stays short: the whole suite
/// runs in about a minute, so `scripts/bench` can afford it on every run.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 20_000
    )
    coreBenchmarks()
    codecBenchmarks()
    compressionBenchmarks()
}
