import AlertgateCore

/// An incident's timeline as a picture (SVG, inline in its console page): one row per kind of
/// signal and service, a dot per signal at its time (its tooltip the time, kind and title), a
/// row of changes with the rollback candidate marked, and lines for the moments the incident
/// opened, was acknowledged, escalated and resolved. Pure: everything it draws is given.
struct IncidentTimelinePicture {
    struct Marker: Equatable {
        var at: Timestamp
        var label: String
    }

    struct Dot: Equatable {
        var at: Timestamp
        var row: Int
        var tip: String
    }

    struct Change: Equatable {
        var at: Timestamp
        var title: String
        var rollbackCandidate: Bool
    }

    static let width = 800, labelWidth = 170, rowHeight = 24, top = 28, maxRows = 8

    var rows: [String] = []
    var dots: [Dot] = []
    var changes: [Change] = []
    var markers: [Marker] = []
    var from: Timestamp
    var to: Timestamp

    init(incident: IncidentState, signals: [StoredSignal], lines: [StoredTimelineEntry], suspects: [SuspectChanges.Suspect], now: Timestamp) {
        var rowOf: [String: Int] = [:]
        for signal in signals.sorted(by: { $0.at < $1.at }) {
            var name = "\(signal.kind.rawValue) · \(signal.service)"
            if rowOf[name] == nil {
                if rowOf.count < Self.maxRows - 1 {
                    rowOf[name] = rows.count
                    rows.append(name)
                } else {
                    name = "other"
                    if rowOf[name] == nil {
                        rowOf[name] = rows.count
                        rows.append(name)
                    }
                }
            }
            dots.append(Dot(at: signal.at, row: rowOf[name]!, tip: "\(signal.at.rfc3339) · \(signal.kind.rawValue) · \(signal.title)"))
        }
        changes = suspects.map { Change(at: $0.change.at, title: $0.change.title, rollbackCandidate: $0.rollbackCandidate) }
        markers = [Marker(at: incident.openedAt, label: "opened")]
        if let at = incident.acknowledgedAt { markers.append(Marker(at: at, label: "acknowledged")) }
        for line in lines where line.entry.kind == .escalated { markers.append(Marker(at: line.entry.at, label: "escalated")) }
        if let at = incident.resolvedAt { markers.append(Marker(at: at, label: "resolved")) }
        let times = dots.map(\.at) + changes.map(\.at) + markers.map(\.at)
        from = times.min() ?? incident.openedAt
        to = max(incident.closedAt ?? incident.resolvedAt ?? now, times.max() ?? now)
        if to.milliseconds - from.milliseconds < 60_000 { to = Timestamp(milliseconds: from.milliseconds + 60_000) }
    }

    /// The x of `at` in the plot.
    func x(_ at: Timestamp) -> Int {
        let span = Double(to.milliseconds - from.milliseconds)
        let share = Double(at.milliseconds - from.milliseconds) / span
        return Self.labelWidth + Int((share * Double(Self.width - Self.labelWidth - 12)).rounded())
    }

    var svg: String {
        let changeRow = rows.count
        let height = Self.top + (changeRow + 1) * Self.rowHeight + 20
        var out = "<svg class=\"timeline\" viewBox=\"0 0 \(Self.width) \(height)\" role=\"img\" aria-label=\"Timeline of the incident's signals\">\n"
        for (index, name) in (rows + ["changes"]).enumerated() {
            let y = Self.top + index * Self.rowHeight
            out += "<text class=\"row-label\" x=\"4\" y=\"\(y + 16)\">\(HTMLText.escape(Self.clip(name, 26)))</text>"
                + "<line class=\"row-line\" x1=\"\(Self.labelWidth)\" x2=\"\(Self.width - 8)\" y1=\"\(y + 12)\" y2=\"\(y + 12)\"/>\n"
        }
        for marker in markers {
            let x = x(marker.at)
            out += "<line class=\"marker marker-\(marker.label)\" x1=\"\(x)\" x2=\"\(x)\" y1=\"14\" y2=\"\(height - 20)\"><title>\(HTMLText.escape("\(marker.label) \(marker.at.rfc3339)"))</title></line>"
                + "<text class=\"marker-label\" x=\"\(x + 2)\" y=\"12\">\(HTMLText.escape(marker.label))</text>\n"
        }
        for dot in dots {
            let kind = rows[dot.row].split(separator: " ").first.map(String.init) ?? "other"
            out += "<circle class=\"dot kind-\(HTMLText.escape(kind))\" cx=\"\(x(dot.at))\" cy=\"\(Self.top + dot.row * Self.rowHeight + 12)\" r=\"4\"><title>\(HTMLText.escape(dot.tip))</title></circle>\n"
        }
        for change in changes {
            let x = x(change.at), y = Self.top + changeRow * Self.rowHeight + 12
            let label = (change.rollbackCandidate ? "rollback candidate: " : "change: ") + change.title
            out += "<path class=\"change\(change.rollbackCandidate ? " rollback" : "")\" d=\"M\(x) \(y - 6) L\(x + 6) \(y) L\(x) \(y + 6) L\(x - 6) \(y) Z\"><title>\(HTMLText.escape(label + " · " + change.at.rfc3339))</title></path>\n"
        }
        let y = height - 6
        out += "<text class=\"axis\" x=\"\(Self.labelWidth)\" y=\"\(y)\">\(HTMLText.escape(Self.clock(from)))</text>"
            + "<text class=\"axis\" x=\"\(Self.width - 8)\" y=\"\(y)\" text-anchor=\"end\">\(HTMLText.escape(Self.clock(to)))</text>\n"
        return out + "</svg>\n"
    }

    static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// `2026-12-03 08:15:02Z` style: the day and time of `at`, in UTC.
    static func clock(_ at: Timestamp) -> String {
        let text = at.rfc3339
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8)) + " UTC"
    }
}
