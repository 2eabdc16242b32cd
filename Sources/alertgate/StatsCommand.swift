import ArgumentParser
import Foundation

/// `alertgate stats`: the week's numbers (or another period) of a running server.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Incidents by type and severity, times to acknowledge and resolve, the share users saw first, per service and team.")
    @OptionGroup var server: ServerOptions
    @Option(help: "Start of the period, RFC 3339 (default: 7 days before --until).") var since: String?
    @Option(help: "End of the period, RFC 3339 (default: now).") var until: String?
    @Flag(help: "Print the server's JSON.") var json = false

    func run() async throws {
        var parameters: [String] = []
        for (name, value) in [("since", since), ("until", until)] {
            if let value { parameters.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)") }
        }
        let (object, data) = try await APIClient(base: server.server).json("GET", "/api/v1/stats" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")))
        if json { return print(String(decoding: data, as: UTF8.self)) }
        let stats = object as? [String: Any] ?? [:]
        let period = stats["period"] as? [String: String] ?? [:]
        print("incidents opened \(period["since"] ?? "?") to \(period["until"] ?? "?")")
        func named(_ key: String, _ prefix: String) -> [[String: Any]] {
            (stats[key] as? [[String: Any]] ?? []).map { $0.merging(["name": "\(prefix) \($0["name"] as? String ?? "")"]) { $1 } }
        }
        let rows = [stats["overall"] as? [String: Any] ?? [:]] + named("teams", "team") + named("services", "service")
        print(Self.table(rows))
        let noisy = stats["noisiest_alerts"] as? [[String: Any]] ?? []
        if !noisy.isEmpty {
            print("\nnoisiest alerts")
            for alert in noisy.prefix(5) {
                print("  \(alert["count"] as? Int ?? 0)\t\(alert["service"] as? String ?? "")\t\(alert["title"] as? String ?? "")")
            }
        }
    }

    static func table(_ groups: [[String: Any]]) -> String {
        func times(_ value: Any?, _ key: String) -> String {
            guard let seconds = (value as? [String: Any])?[key] as? Int else { return "-" }
            return seconds >= 3600 ? "\(seconds / 3600)h\(seconds % 3600 / 60)m" : seconds >= 60 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds)s"
        }
        var lines = [["GROUP", "INCIDENTS", "SEV1", "SEV2", "ACK p50", "ACK p90", "RESOLVE p50", "RESOLVE p90", "USERS FIRST"]]
        for group in groups {
            let severities = group["by_severity"] as? [String: Int] ?? [:]
            let users = (group["detected_by_users"] as? Double).map { String(format: "%.0f%%", $0 * 100) } ?? "-"
            lines.append([group["name"] as? String ?? "", String(group["incidents"] as? Int ?? 0), String(severities["SEV1"] ?? 0), String(severities["SEV2"] ?? 0),
                          times(group["time_to_acknowledge"], "p50_seconds"), times(group["time_to_acknowledge"], "p90_seconds"),
                          times(group["time_to_resolve"], "p50_seconds"), times(group["time_to_resolve"], "p90_seconds"), users])
        }
        let widths = lines[0].indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
