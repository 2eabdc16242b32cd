import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP receiver on 127.0.0.1 for notification tests: it records every request and
/// answers each as its script says (a status, a delay past the sender's timeout...), then 200.
public final class TestReceiver: Sendable {
    public enum Answer: Sendable {
        case status(Int, retryAfter: String? = nil)
        /// Waits this long before answering 200: longer than `notify.timeout` makes a timeout.
        case delay(Duration)
        /// Runs `action` (say, SIGKILL the sender) before answering 200.
        case perform(@Sendable () async -> Void)
    }

    public struct Received: Sendable {
        public var path: String
        public var headers: [String: String]
        public var body: Data
        public var at: Date
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        public var jsonArray: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    private struct State {
        var script: [Answer]
        var received: [Received] = []
    }

    private final class Box: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }

    private let box: Box
    public let port: Int
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// Starts listening on `port` (0: a free one); answers follow `script`, then 200.
    public init(port: Int = 0, script: [Answer] = []) async throws {
        let box = Box(State(script: script))
        self.box = box
        let router = Router()
        router.post("/**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = box.state.withLock { state -> Answer? in
                state.received.append(Received(path: request.uri.path, headers: headers, body: Data(buffer: body), at: Date()))
                return state.script.isEmpty ? nil : state.script.removeFirst()
            }
            switch answer {
            case nil: return Response(status: .ok)
            case .status(let code, let retryAfter)?:
                var fields = HTTPFields()
                if let retryAfter { fields[.retryAfter] = retryAfter }
                return Response(status: .init(code: code), headers: fields)
            case .delay(let duration)?:
                try await Task.sleep(for: duration)
                return Response(status: .ok)
            case .perform(let action)?:
                await action()
                return Response(status: .ok)
            }
        }
        var logger = Logger(label: "test-receiver")
        logger.logLevel = .critical
        // A failed bind of a named port is tried again for a while (a port held by a connection
        // of a test before is free once it closes), then thrown, never waited on.
        var attempt = 1
        while true {
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                                          onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
            let running = Task { [group] in
                defer { continuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            if let bound = await iterator.next() {
                self.group = group
                self.running = running
                self.port = bound
                return
            }
            let failure: any Error
            do {
                try await running.value
                failure = CancellationError()
            } catch {
                failure = error
            }
            guard port != 0, attempt < 50 else { throw failure }
            attempt += 1
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public var received: [Received] { box.state.withLock { $0.received } }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
