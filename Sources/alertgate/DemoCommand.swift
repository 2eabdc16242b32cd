import AlertgateCore
import AlertgateServer
import ArgumentParser
import Foundation
import Logging
import Synchronization

/// `alertgate demo`: a gateway loaded with a made-up week of a small shop's incidents
/// (`DemoStory`), served so the console and the status page can be looked at and tried.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Serve alertgate loaded with a made-up week of incidents, to try the console (/ui) and the status page (/status).",
        discussion: """
            The story is sent through alertgate's own HTTP API while its clock is moved through
            the last six days: deploys, alerts, an OpenTelemetry error span, user reports, and
            engineers acknowledging, noting, posting public updates and resolving. Then it
            serves with the real time until SIGINT or SIGTERM. The database is a new file
            (--database, default a temporary one); no token is configured, so it listens on
            loopback only.
            """)

    @Option(help: "Port to listen on; 0 picks a free one.") var port: Int = 9480
    @Option(help: "The SQLite database to create (it must not exist yet); default a temporary file.") var database: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in LogOutput(label: label, level: .warning) }
        let path = database ?? NSTemporaryDirectory() + "alertgate-demo-\(ProcessInfo.processInfo.processIdentifier).sqlite"
        guard !FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path) exists: the demo makes a new database") }
        var settings = try ConfigLoader.parse(yaml: DemoStory.config, into: ConfigLoader.defaults)
        settings.http.host = "127.0.0.1"
        settings.http.port = port
        settings.storage.path = path
        settings.udp.syslogPort = nil
        settings.udp.gelfPort = nil
        settings.udp.jsonPort = nil
        let clock = DemoClock()
        let gateway = try await Gateway.open(config: settings, clock: clock, logger: Logger(label: "alertgate"))
        try await gateway.run { host, port in
            Task {
                let base = "http://\(host):\(port)"
                do {
                    try await DemoStory(client: APIClient(base: base), clock: clock).tell()
                } catch {
                    FileHandle.standardError.write(Data("alertgate demo: the story failed: \(error)\n".utf8))
                    kill(getpid(), SIGTERM)
                    return
                }
                clock.returnToNow()
                FileHandle.standardError.write(Data("alertgate demo: loaded; the console is \(base)/ui, the status page \(base)/status (database \(path))\n".utf8))
                FileHandle.standardOutput.write(Data("alertgate listening on \(base)\n".utf8))
            }
        }
    }
}

/// The system's time moved by an offset the demo sets.
final class DemoClock: WallClock {
    private let offset = Mutex<Int64>(0)

    func now() -> Timestamp {
        let real = Timestamp(Date())
        return Timestamp(milliseconds: real.milliseconds + offset.withLock { $0 })
    }

    /// From now on, `now()` reads `time` and runs on from it. The story only moves it forward,
    /// after its first step into the past.
    func jump(to time: Timestamp) {
        let real = Timestamp(Date()).milliseconds
        offset.withLock { $0 = time.milliseconds - real }
    }

    /// Back to the real time (which is ahead of the story).
    func returnToNow() {
        offset.withLock { $0 = 0 }
    }

    func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
