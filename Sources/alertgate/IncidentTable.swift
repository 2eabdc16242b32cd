import Foundation

/// Plain-text tables for people at a terminal.
enum IncidentTable {
    static let columns = ["ID", "STATUS", "SEV", "TYPE", "SERVICE", "OPENED", "SIGNALS", "TITLE"]

    static func render(_ incidents: [[String: Any]]) -> String {
        guard !incidents.isEmpty else { return "no incidents" }
        let rows = incidents.map { incident in
            [text(incident["id"]), text(incident["status"]), text(incident["severity"]), text(incident["type"]),
             text(incident["service"]), text(incident["opened_at"]), text(incident["signal_count"]), text(incident["title"])]
        }
        return table([columns] + rows)
    }

    static func detail(_ incident: [String: Any]) -> String {
        var lines = ["Incident \(text(incident["id"])): \(text(incident["title"]))"]
        for key in ["status", "severity", "type", "service", "owner", "detected_by", "opened_at", "acknowledged_at", "resolved_at", "closed_at", "signal_count", "alert_count"] {
            lines.append("  \(key.replacingOccurrences(of: "_", with: " ")): \(text(incident[key]))")
        }
        let alerts = incident["alerts"] as? [[String: Any]] ?? []
        lines.append("")
        lines.append("Alerts")
        lines.append(table([["ID", "STATUS", "FINGERPRINT", "COUNT", "LAST SEEN", "TITLE"]] + alerts.map { alert in
            [text(alert["id"]), text(alert["status"]), text(alert["fingerprint"]), text(alert["count"]), text(alert["last_seen"]), text(alert["title"])]
        }))
        let timeline = incident["timeline"] as? [[String: Any]] ?? []
        lines.append("")
        lines.append("Timeline")
        for entry in timeline {
            let by = (entry["by"] as? String).map { " by \($0)" } ?? ""
            let note = (entry["text"] as? String).map { ": \($0)" } ?? ""
            lines.append("  \(text(entry["at"]))  \(text(entry["kind"]))\(by)\(note)")
        }
        return lines.joined(separator: "\n")
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "-"
        case let string as String: return string
        case let value?: return "\(value)"
        }
    }

    static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in min(60, rows.map { $0[column].count }.max() ?? 0) }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let clipped = cell.count > widths[column] ? String(cell.prefix(widths[column] - 1)) + "…" : cell
                return column == row.count - 1 ? clipped : clipped.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
