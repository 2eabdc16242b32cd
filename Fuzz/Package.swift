// swift-tools-version:6.1
// Coverage-guided fuzzing of every decoder with libFuzzer, kept out of the main package so
// `swift test` never builds it. One executable, `alertgate-fuzz`, whose target is chosen by
// ALERTGATE_FUZZ_TARGET; build and run it with `scripts/fuzz` (which passes
// `-sanitize=fuzzer,address` and `-parse-as-library`).
import PackageDescription

// SwiftPM names a path dependency after its folder, which is whatever the clone is called.
let alertgate = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "alertgate"

let package = Package(
    name: "alertgate-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "alertgate-fuzz",
            dependencies: [
                .product(name: "AlertgateCore", package: alertgate),
                .product(name: "AlertgateCodecs", package: alertgate),
                .product(name: "AlertgateCompression", package: alertgate),
            ]
        ),
    ]
)
