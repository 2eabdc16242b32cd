/// The review draft that closes an incident, in Markdown: what happened, how fast it was
/// seen and handled, who or what saw it first, the timeline, the suspect changes and the
/// rollback, traces and user reports, notes and updates, and empty sections for what only
/// people can write. Pure: everything comes in; `now` ends an impact window still open.
public struct ReviewDraft: Sendable {
    public var incident: IncidentState
    public var alerts: [AlertState]
    public var timeline: [StoredTimelineEntry]
    public var suspects: [SuspectChanges.Suspect]
    /// The incident's first stored signal: its own time against its receipt is the time to detect.
    public var firstSignal: StoredSignal?
    /// User report signals, oldest first (the first few are listed).
    public var reports: [StoredSignal]
    public var now: Timestamp

    public init(incident: IncidentState, alerts: [AlertState], timeline: [StoredTimelineEntry], suspects: [SuspectChanges.Suspect],
                firstSignal: StoredSignal?, reports: [StoredSignal], now: Timestamp) {
        self.incident = incident
        self.alerts = alerts
        self.timeline = timeline
        self.suspects = suspects
        self.firstSignal = firstSignal
        self.reports = reports
        self.now = now
    }

    /// How many user reports and trace groups are listed before "and N more".
    static let listed = 5

    public var markdown: String {
        var lines: [String] = []
        lines += ["# Incident \(incident.id): \(incident.title)", "", "_Draft written by alertgate at \(now.rfc3339); edit it into the review._", ""]
        lines += summary + [""] + times + [""] + timelineSection + [""] + changesSection + [""] + tracesSection + [""]
        lines += reportsSection + [""] + notesSection + [""]
        lines += ["## Root cause", "", "_To be written._", "", "## Action items", "", "- [ ] ", ""]
        return lines.joined(separator: "\n")
    }

    private var summary: [String] {
        var lines = ["## Summary", ""]
        lines.append("- Severity: \(incident.severity.rawValue); type: \(incident.type.rawValue.replacingOccurrences(of: "_", with: " ")); status: \(incident.status.rawValue)")
        lines.append("- Services: \((incident.services.isEmpty ? [incident.service] : incident.services).joined(separator: ", "))")
        lines.append("- Owner: \(incident.owner ?? "none")\(incident.oncall.map { "; on-call: \($0)" } ?? "")")
        lines.append("- Detected by: \(Self.detectedBy(incident.detectedBy, through: firstSignal?.source))")
        lines.append("- \(incident.signalCount) signals in \(incident.alertCount) alerts, \(incident.reportCount) user reports")
        return lines
    }

    private var times: [String] {
        let end = incident.resolvedAt ?? now
        var lines = ["## Impact and response", ""]
        lines.append("- Impact window: \(incident.openedAt.rfc3339) to \(incident.resolvedAt?.rfc3339 ?? "now (still open)") (\(Self.span(incident.openedAt, end)))")
        if let first = firstSignal {
            lines.append("- Time to detect: \(Self.span(first.at, first.receivedAt)) (the first signal's own time to its arrival)")
        }
        lines.append("- Time to acknowledge: \(incident.acknowledgedAt.map { Self.span(incident.openedAt, $0) } ?? "not acknowledged")")
        lines.append("- Time to resolve: \(incident.resolvedAt.map { Self.span(incident.openedAt, $0) } ?? "not resolved")")
        return lines
    }

    private var timelineSection: [String] {
        ["## Timeline", ""] + timeline.map { stored in
            let entry = stored.entry
            var line = "- \(entry.at.rfc3339) \(entry.kind.rawValue.replacingOccurrences(of: "_", with: " "))"
            if let by = entry.by { line += " by \(by)" }
            if let text = entry.text, !text.isEmpty { line += ": \(Self.oneLine(text))" }
            if entry.isPublic { line += " (public)" }
            return line
        }
    }

    private var changesSection: [String] {
        var lines = ["## Suspect changes and rollback", ""]
        if suspects.isEmpty { return lines + ["No change of its services or their dependencies in the lookback."] }
        for suspect in suspects {
            var marks: [String] = []
            if suspect.rollbackCandidate { marks.append("rollback candidate") }
            if suspect.possibleFix { marks.append("possible fix") }
            let marked = marks.isEmpty ? "" : " **\(marks.joined(separator: ", "))**"
            lines.append("- \(suspect.change.at.rfc3339) \(suspect.change.title) (\(suspect.change.service); \(suspect.why))\(marked)")
        }
        let fixes = suspects.filter(\.possibleFix)
        lines += ["", fixes.isEmpty ? "Rollback taken: none recorded." : "Rollback taken: \(fixes.map(\.change.title).joined(separator: "; "))."]
        return lines
    }

    private var tracesSection: [String] {
        let traces = alerts.filter { $0.kind == .trace }
        var lines = ["## Traces", ""]
        guard !traces.isEmpty else { return lines + ["No error spans."] }
        var byType: [String: Int64] = [:]
        for trace in traces { byType[trace.labels["exception.type"].flatMap { $0.isEmpty ? nil : $0 } ?? trace.title, default: 0] += trace.count }
        let ranked = byType.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        lines += ranked.prefix(Self.listed).map { "- \($0.key): \($0.value) spans" }
        if ranked.count > Self.listed { lines.append("- and \(ranked.count - Self.listed) more exception types") }
        return lines
    }

    private var reportsSection: [String] {
        var lines = ["## User reports", "", "\(incident.reportCount) user reports."]
        let listed = reports.prefix(Self.listed).map { "- \($0.at.rfc3339) \(Self.oneLine($0.title))" }
        if !listed.isEmpty { lines += [""] + listed }
        if incident.reportCount > Int64(listed.count), !listed.isEmpty { lines.append("- and \(incident.reportCount - Int64(listed.count)) more") }
        return lines
    }

    private var notesSection: [String] {
        let written = timeline.filter { $0.entry.kind == .note || $0.entry.kind == .update }
        var lines = ["## Notes and updates", ""]
        guard !written.isEmpty else { return lines + ["None."] }
        lines += written.map { stored in
            let entry = stored.entry
            let what = entry.kind == .update ? (entry.isPublic ? "public update" : "update") : "note"
            return "- \(entry.at.rfc3339) \(what)\(entry.by.map { " by \($0)" } ?? ""): \(Self.oneLine(entry.text ?? ""))"
        }
        return lines
    }

    static func detectedBy(_ value: DetectedBy, through channel: SignalSource? = nil) -> String {
        switch value {
        case .monitoring: "monitoring"
        case .tracing: "tracing"
        case .userReport: "a user report\(channel.map { " through \(Self.channelName($0))" } ?? "") (users saw it first)"
        case .syntheticCheck: "a synthetic check"
        case .heartbeat: "a heartbeat (a job that must keep running stopped or failed)"
        }
    }

    /// How a user's report came in, as a reader would say it.
    static func channelName(_ source: SignalSource) -> String {
        switch source {
        case .statusPage: "the status page"
        case .zendesk: "Zendesk"
        case .intercom: "Intercom"
        case .freshdesk: "Freshdesk"
        case .reports: "the reports API"
        default: source.rawValue
        }
    }

    /// `3 min 20 s`, `1 h 5 min`, `0 s`.
    static func span(_ from: Timestamp, _ to: Timestamp) -> String {
        let seconds = max(0, (to.milliseconds - from.milliseconds) / 1000)
        if seconds >= 3600 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        if seconds >= 60 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds) s"
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
