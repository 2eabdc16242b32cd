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

    @Option(help: ArgumentHelp("A PostgreSQL database instead of the SQLite file (storage.url): postgres://user[:password]@host[:port]/database.",
                               discussion: "Without it, the environment's ALERTGATE_STORAGE_URL is used when set (a password need not be in a file)."))
    var storageURL: String?

    @Option(help: ArgumentHelp("With PostgreSQL, which gateways on the database write (storage.writers): one (the others wait as standbys) or all.",
                               discussion: "Without it, the environment's ALERTGATE_STORAGE_WRITERS is used when set."))
    var storageWriters: String?

    @Option(help: "Largest request body in bytes, after decompression too (http.max_body_bytes).")
    var maxBodyBytes: Int?

    @Option(help: "Address the UDP listeners bind to (udp.host, default 127.0.0.1).")
    var udpHost: String?

    @Option(help: "UDP port for syslog (udp.syslog_port, default 5514); 0 picks a free one, off turns it off.")
    var syslogPort: String?

    @Option(help: "UDP port for GELF (udp.gelf_port, default 12201); 0 picks a free one, off turns it off.")
    var gelfPort: String?

    @Option(help: "UDP port for JSON events (udp.json_port, default 5515); 0 picks a free one, off turns it off.")
    var jsonPort: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Serve a non-loopback address without tokens (http.insecure): anyone who reaches it may read and act.")
    var insecure = false

    /// A port number, or `off`.
    static func udpPort(_ text: String, _ flag: String) throws -> Int? {
        if text == "off" { return nil }
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ValidationError("\(flag) must be a port number (0 picks a free one) or off, got \(text)")
        }
        return port
    }

    func run() async throws {
        // Before anything opens a database: SQLite takes its process-wide settings only then.
        Gateway.prepareProcess()
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in LogOutput(label: label, level: level) }
        var settings = ConfigLoader.defaults
        do {
            if let config { settings = try ConfigLoader.load(path: config) }
            if let host { settings.http.host = host }
            if let port { settings.http.port = port }
            if let database { settings.storage.path = database }
            if let url = storageURL ?? ProcessInfo.processInfo.environment["ALERTGATE_STORAGE_URL"] { settings.storage.url = url }
            if let writers = storageWriters ?? ProcessInfo.processInfo.environment["ALERTGATE_STORAGE_WRITERS"] {
                settings.storage.writers = try .init(setting: writers)
            }
            if let maxBodyBytes { settings.http.maxBodyBytes = maxBodyBytes }
            if let udpHost { settings.udp.host = udpHost }
            if let syslogPort { settings.udp.syslogPort = try Self.udpPort(syslogPort, "--syslog-port") }
            if let gelfPort { settings.udp.gelfPort = try Self.udpPort(gelfPort, "--gelf-port") }
            if let jsonPort { settings.udp.jsonPort = try Self.udpPort(jsonPort, "--json-port") }
            if insecure { settings.http.insecure = true }
            try settings.validate()
            try settings.requireTokensBeyondLoopback()
            try settings.requireStorageForWriters()
        } catch let error as ValidationError {
            throw error
        } catch {
            // Config errors name the key in their description.
            throw ValidationError("\(error)")
        }
        let gateway = try await Gateway.open(config: settings, configPath: config, logger: Logger(label: "alertgate"))
        for (name, port) in [("syslog", settings.udp.syslogPort), ("gelf", settings.udp.gelfPort), ("json", settings.udp.jsonPort)] {
            if port == nil { FileHandle.standardError.write(Data("alertgate: the \(name) UDP listener is off\n".utf8)) }
        }
        let scheme = settings.http.tls == nil ? "http" : "https"
        try await gateway.run { host, port in
            // Scripts and tests wait for this line to learn the port.
            FileHandle.standardOutput.write(Data("alertgate listening on \(scheme)://\(host):\(port)\n".utf8))
        }
    }
}
