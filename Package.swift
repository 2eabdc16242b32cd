// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "alertgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "alertgate", targets: ["alertgate"]),
        // For the micro-benchmarks in Benchmarks/, a package of its own.
        .library(name: "AlertgateCore", targets: ["AlertgateCore"]),
        .library(name: "AlertgateCodecs", targets: ["AlertgateCodecs"]),
        .library(name: "AlertgateStorage", targets: ["AlertgateStorage"]),
        .library(name: "AlertgateCompression", targets: ["AlertgateCompression"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.28.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "AlertgateCore"),
        // zlib for stored payloads and for request bodies: used by Storage and Server alike.
        .target(name: "AlertgateCompression", dependencies: ["CZlib"]),
        // SQLite's process-wide settings (`sqlite3_config`, a C variadic function Swift cannot call),
        // for Storage's `SQLiteLibrary`.
        .target(name: "CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "AlertgateCodecs",
            dependencies: [
                "AlertgateCore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "AlertgateStorage",
            dependencies: [
                "AlertgateCore",
                "AlertgateCompression",
                "CSQLiteSettings",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The store on a PostgreSQL server, for several replicas on one database: beside the
        // SQLite store, on the same protocols and the same payload packing.
        .target(
            name: "AlertgatePostgres",
            dependencies: [
                "AlertgateCore",
                "AlertgateStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "AlertgateServer",
            dependencies: [
                "AlertgateCore",
                "AlertgateCodecs",
                "AlertgateCompression",
                "AlertgateStorage",
                "AlertgatePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "alertgate",
            dependencies: [
                "AlertgateServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // Linked by LLD (in the Swift toolchain) with packed relative relocations (glibc ≥ 2.36:
            // Debian 12, the Dockerfile's base): the dynamic loader's table of the binary's
            // relocations shrinks from 2.1 MB, read whole at every start, to 0.5 MB, and the
            // server's resident memory by ~3 MiB (BENCHMARKS.md, notes of the runs of 2026-12-04 03:45 and 03:55).
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),
        .executableTarget(
            name: "alertgate-ceiling",
            dependencies: [
                "AlertgateCodecs",
                "AlertgateCore",
                "AlertgateStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Writes fixtures/schema: a database of each released schema (scripts/make-schema-fixtures).
        .executableTarget(
            name: "schema-fixtures",
            dependencies: [
                "AlertgateCore",
                "AlertgateStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "AlertgateTesting",
            dependencies: [
                "AlertgateCore",
                "AlertgateCodecs",
                "AlertgateCompression",
                "AlertgateStorage",
                "AlertgateServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "AlertgateCoreTests", dependencies: ["AlertgateCore", "AlertgateTesting"]),
        .testTarget(name: "AlertgateCodecsTests", dependencies: ["AlertgateCore", "AlertgateCodecs", "AlertgateCompression", "AlertgateTesting"]),
        .testTarget(name: "AlertgateCompressionTests", dependencies: ["AlertgateCompression", "AlertgateTesting"]),
        .testTarget(name: "AlertgateStorageTests", dependencies: ["AlertgateCore", "AlertgateCompression", "AlertgateStorage", "AlertgatePostgres", "AlertgateTesting"]),
        .testTarget(
            name: "AlertgateServerTests",
            dependencies: ["AlertgateCore", "AlertgateCompression", "AlertgateStorage", "AlertgatePostgres", "AlertgateServer", "AlertgateTesting"]
        ),
    ]
)
