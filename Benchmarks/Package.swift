// swift-tools-version:6.1
// Micro-benchmarks of alertgate's hot path, kept out of the main package so `swift test`
// never builds them and the benchmark package's malloc interposer stays out of the server.
// Run with `scripts/bench-micro` (or `swift package --package-path Benchmarks benchmark`).
import PackageDescription

// SwiftPM names a path dependency after its folder, which is whatever the clone is called.
let alertgate = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "alertgate"

let package = Package(
    name: "alertgate-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "AlertgateBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AlertgateCore", package: alertgate),
                .product(name: "AlertgateCodecs", package: alertgate),
                .product(name: "AlertgateStorage", package: alertgate),
                .product(name: "AlertgateCompression", package: alertgate),
            ],
            path: "Benchmarks/AlertgateBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
