extension Heartbeat {
    /// The dedup key of a heartbeat's one alert: a miss and a failure are the same alert,
    /// worse or better, and the next good ping resolves it.
    public var dedupKey: String { "heartbeat:\(spec.name)" }

    /// A heartbeat's alert fires until its next good ping, not until `resolve_timeout` passes
    /// without a repeat (nothing repeats a miss): its `endsAt` is set this far ahead.
    public static let firingFor = Duration.milliseconds(DurationText.longest)

    /// The signal a change raises: `HeartbeatMissed` and `HeartbeatFailed` fire (critical, an
    /// outage of the heartbeat's service), a recovery resolves. `detail` is what a `fail` ping
    /// carried (the job's output), kept short.
    public func signal(for change: HeartbeatChange, at time: Timestamp, detail: String? = nil) -> Signal {
        var labels = ["heartbeat": spec.name, "schedule": spec.schedule.description, "grace": DurationText.format(spec.grace)]
        let status: SignalStatus, title: String, severity: Severity
        var lines: [String] = []
        switch change {
        case .missed(let deadline):
            (status, severity, title) = (.firing, .critical, "Heartbeat \(spec.name) missed")
            labels["alertname"] = "HeartbeatMissed"
            lines.append(lastPingAt.map { "No ping since \($0.rfc3339)" } ?? "No ping since the heartbeat was made at \(createdAt.rfc3339)")
            lines.append("Expected \(spec.schedule.description), within \(DurationText.format(spec.grace)); missed at \(deadline.rfc3339)")
        case .failed:
            (status, severity, title) = (.firing, .critical, "Heartbeat \(spec.name) reported a failure")
            labels["alertname"] = "HeartbeatFailed"
            if let detail, !detail.isEmpty { lines.append(String(detail.prefix(2048))) }
        case .recovered(let from):
            (status, severity, title) = (.resolved, .info, "Heartbeat \(spec.name) is back")
            labels["alertname"] = from == .failed ? "HeartbeatFailed" : "HeartbeatMissed"
            lines.append("A good ping at \(time.rfc3339)")
        case .unwatched(let from):
            (status, severity, title) = (.resolved, .info, "Heartbeat \(spec.name) is no longer watched")
            labels["alertname"] = from == .failed ? "HeartbeatFailed" : "HeartbeatMissed"
            lines.append("The config no longer declares it; its alert is resolved at \(time.rfc3339)")
        }
        return Signal(kind: .alert, source: .heartbeat, status: status, service: spec.serviceName, title: title,
                      description: lines.isEmpty ? nil : lines.joined(separator: "\n"), severity: severity, labels: labels,
                      dedupKey: dedupKey, occurredAt: time, sender: "heartbeat",
                      endsAt: status == .firing ? time + Self.firingFor : nil)
    }
}
