import AlertgateCore
import AlertgateServer
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A real gateway serving on 127.0.0.1 at a free port, inside the test process.
public struct RunningGateway: Sendable {
    public let baseURL: String
    public let gateway: Gateway
    public let client: TestHTTPClient
}

/// Starts a real gateway (real SQLite file, real sockets, port 0), runs `body` against it,
/// then shuts it down gracefully as SIGTERM would. `databasePath` lets a test restart a
/// gateway on the same file; by default a fresh temporary database is used and removed.
/// `configPath` loads a YAML file (which a reload reads again); `configure` changes the rest.
public func withRunningGateway<T: Sendable>(
    databasePath: String? = nil,
    configPath: String? = nil,
    clock: any WallClock = SystemWallClock(),
    configure: (inout GatewayConfig) -> Void = { _ in },
    _ body: (RunningGateway) async throws -> T
) async throws -> T {
    let folder = databasePath == nil ? try TemporaryDirectory() : nil
    defer { folder?.remove() }
    var config = try configPath.map { try ConfigLoader.load(path: $0) } ?? GatewayConfig()
    config.http.port = 0
    config.storage.path = databasePath ?? folder!.file("alertgate.sqlite")
    // UDP listeners are off unless a test turns them on (port 0 picks a free one).
    config.udp.syslogPort = nil
    config.udp.gelfPort = nil
    config.udp.jsonPort = nil
    configure(&config)
    var logger = Logger(label: "alertgate-test")
    logger.logLevel = ProcessInfo.processInfo.environment["ALERTGATE_TEST_LOG"] == nil ? .critical : .debug
    let gateway = try await Gateway.open(config: config, configPath: configPath, clock: clock, logger: logger)

    let (addresses, addressContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = gateway.application { _, port in addressContinuation.yield(port) }
    let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
    // A gateway that stops before it listens (a port taken, a store that will not open) ends
    // the stream, so its error is thrown here instead of the test waiting for a port forever.
    let running = Task {
        defer { addressContinuation.finish() }
        try await group.run()
    }
    var iterator = addresses.makeAsyncIterator()
    guard let port = await iterator.next() else {
        try await running.value
        throw CancellationError()
    }
    let baseURL = "http://127.0.0.1:\(port)"
    let result: Result<T, any Error>
    do {
        result = .success(try await body(RunningGateway(baseURL: baseURL, gateway: gateway, client: TestHTTPClient(baseURL: baseURL))))
    } catch {
        result = .failure(error)
    }
    await group.triggerGracefulShutdown()
    try await running.value
    return try result.get()
}
