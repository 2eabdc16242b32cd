import AlertgateCore
import AlertgateServer
import ArgumentParser
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway until SIGTERM or SIGINT (then drain the queue and stop).")

    @Option(help: "A YAML config file; flags override its values.")
    var config: String?

    @Option(help: "Address to listen on (http.host, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (http.port, default 9480).")
    var port: Int?

    @Option(help: "The SQLite database file (storage.path, default ./alertgate-data/alertgate.sqlite).")
    var database: String?

    @Option(help: "Largest request body in bytes, after decompression too (http.max_body_bytes).")
    var maxBodyBytes: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var settings = GatewayConfig()
        do {
            if let config { settings = try ConfigLoader.load(path: config) }
            if let host { settings.http.host = host }
            if let port { settings.http.port = port }
            if let database { settings.storage.path = database }
            if let maxBodyBytes { settings.http.maxBodyBytes = maxBodyBytes }
            try settings.validate()
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
        let gateway = try Gateway(config: settings, logger: Logger(label: "alertgate"))
        try await gateway.run { host, port in
            // Scripts and tests wait for this line to learn the port.
            FileHandle.standardOutput.write(Data("alertgate listening on http://\(host):\(port)\n".utf8))
        }
    }
}
