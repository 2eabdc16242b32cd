import ArgumentParser
import Foundation

struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List, show and act on incidents of a running server.",
        subcommands: [List.self, Show.self, Ack.self, Resolve.self, Update.self, Review.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents, newest first.")
        @OptionGroup var server: ServerOptions
        @Option(help: "Only these statuses, comma-separated: open, acknowledged, resolved, closed.") var status: String?
        @Option(help: "Only incidents touching this service.") var service: String?
        @Option(help: "Only these severities, comma-separated: SEV1..SEV4.") var severity: String?
        @Option(help: "Text to look for in titles.") var query: String?
        @Option(help: "At most this many.") var limit: Int = 50
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            var parameters = ["limit=\(limit)"]
            for (name, value) in [("status", status), ("service", service), ("severity", severity), ("q", query)] {
                if let value { parameters.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? value)") }
            }
            let (object, data) = try await APIClient(base: server.server).json("GET", "/api/v1/incidents?" + parameters.joined(separator: "&"))
            if json { return print(String(decoding: data, as: UTF8.self)) }
            let incidents = (object as? [String: Any])?["incidents"] as? [[String: Any]] ?? []
            print(IncidentTable.render(incidents))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one incident with its alerts and timeline.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The incident id.") var id: Int64
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            let (object, data) = try await APIClient(base: server.server).json("GET", "/api/v1/incidents/\(id)")
            if json { return print(String(decoding: data, as: UTF8.self)) }
            print(IncidentTable.detail(object as? [String: Any] ?? [:]))
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an incident.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "Who acknowledges (default: $USER).") var by: String?
        @Option(help: "A note for the timeline.") var note: String?
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            try await IncidentsCommand.act("acknowledge", id: id, by: by, note: note, server: server, json: json)
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve an incident.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "Who resolves (default: $USER).") var by: String?
        @Option(help: "A note for the timeline.") var note: String?
        @Flag(help: "Print the server's JSON.") var json = false

        func run() async throws {
            try await IncidentsCommand.act("resolve", id: id, by: by, note: note, server: server, json: json)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Post a status update to an incident's timeline.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The incident id.") var id: Int64
        @Argument(help: "The update's text.") var text: String
        @Flag(help: "Users may read it: it goes to the status page.") var `public` = false
        @Option(help: "Who writes it (default: $USER).") var by: String?

        func run() async throws {
            let body: [String: Any] = ["text": text, "public": `public`, "by": by ?? ProcessInfoEnvironment.value("USER") ?? "unknown"]
            let (status, data) = try await APIClient(base: server.server).send("POST", "/api/v1/incidents/\(id)/updates",
                                                                                body: try JSONSerialization.data(withJSONObject: body))
            guard (200..<300).contains(status) else { throw APIClient.Failure(description: "HTTP \(status): \(String(decoding: data, as: UTF8.self))") }
            print("update posted to incident \(id)\(`public` ? " (public)" : "")")
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an incident's review draft (Markdown).")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "Write the draft to this file instead of printing it.") var output: String?

        func run() async throws {
            let (status, data) = try await APIClient(base: server.server).send("GET", "/api/v1/incidents/\(id)/review")
            guard (200..<300).contains(status) else { throw APIClient.Failure(description: "HTTP \(status): \(String(decoding: data, as: UTF8.self))") }
            if let output {
                try data.write(to: URL(fileURLWithPath: output))
                print("review draft of incident \(id) written to \(output)")
            } else {
                print(String(decoding: data, as: UTF8.self), terminator: "")
            }
        }
    }

    static func act(_ action: String, id: Int64, by: String?, note: String?, server: ServerOptions, json: Bool) async throws {
        var body: [String: String] = [:]
        body["by"] = by ?? ProcessInfoEnvironment.value("USER")
        body["note"] = note
        let (object, data) = try await APIClient(base: server.server).json("POST", "/api/v1/incidents/\(id)/\(action)", body: body)
        if json { return print(String(decoding: data, as: UTF8.self)) }
        let incident = object as? [String: Any] ?? [:]
        print("incident \(id) is now \(incident["status"] as? String ?? "?")")
    }
}
