import ArgumentParser

@main
struct AlertgateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alertgate",
        abstract: "An alert gateway: ingest, deduplicate, correlate and keep every signal; query and act on incidents.",
        subcommands: [ServeCommand.self, IncidentsCommand.self, StatsCommand.self, ReplayCommand.self, TokenCommand.self, DatabaseCommand.self, DemoCommand.self])
}

/// Where a client command finds the server.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "The alertgate server (or set ALERTGATE_SERVER).")
    var server: String = ProcessInfoEnvironment.value("ALERTGATE_SERVER") ?? "http://127.0.0.1:9480"
}
