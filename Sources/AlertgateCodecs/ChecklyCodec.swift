import AlertgateCore

/// Checkly's webhook alerts (`POST /api/v1/ingest/checkly`), as the template alertgate ships
/// (`deploy/checkly/webhook.json`) renders them from Checkly's variables: every field a string.
///
/// - `alert_type`: `ALERT_FAILURE` (and `ALERT_FAILURE_REMAIN`) fires an outage alert (critical),
///   `ALERT_DEGRADED` (and `ALERT_FAILURE_DEGRADED`, `ALERT_SSL`) a degradation alert (warning),
///   `ALERT_RECOVERY` and `ALERT_DEGRADED_RECOVERY` resolve it.
/// - The check is the identity: one alert per `check_id` (its dedup key), whatever the type, so a
///   degraded check that then fails is one alert that got worse. The location of each run is a
///   label of its signal: the alert's signals list where it failed.
/// - The service: a `service:NAME` tag; else a tag or the group that names a catalog service;
///   else the group; else the check's name.
/// - `result_link` is kept as a link; tags, group, check type and status code as labels.
/// - `trace_id` or `traceparent` (optional, not in the shipped template: Checkly has no variable
///   for it) names the run's trace, whose failing spans then join the check's incident.
public struct ChecklyCodec: Sendable {
    /// The catalog in force, whose services (by name or plain alias) a tag or the group may name.
    public let catalog: ServiceCatalog

    public init(catalog: ServiceCatalog = ServiceCatalog()) {
        self.catalog = catalog
    }

    /// What each `alert_type` does: the status and severity of its signal.
    static let alertTypes: [String: (status: SignalStatus, severity: Severity)] = [
        "ALERT_FAILURE": (.firing, .critical),
        "ALERT_FAILURE_REMAIN": (.firing, .critical),
        "ALERT_DEGRADED": (.firing, .warning),
        "ALERT_FAILURE_DEGRADED": (.firing, .warning),
        "ALERT_SSL": (.firing, .warning),
        "ALERT_RECOVERY": (.resolved, .info),
        "ALERT_DEGRADED_RECOVERY": (.resolved, .info),
    ]

    public func decode(_ body: [UInt8]) throws(CodecError) -> Signal {
        let alert = try JSONObjectReader(TemplatedJSON.parse(body))
        func text(_ key: String, maxBytes: Int = 1024) throws(CodecError) -> String? {
            try alert.string(key, maxBytes: maxBytes).map(TemplatedJSON.text).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let type = try text("alert_type", maxBytes: 64) else { throw .missing("alert_type") }
        guard let (status, severity) = Self.alertTypes[type] else {
            throw .invalidValue("alert_type", "must be one of \(Self.alertTypes.keys.sorted().joined(separator: ", ")), got \"\(type.prefix(64))\"")
        }
        guard let checkID = try text("check_id", maxBytes: 128) else { throw .missing("check_id") }
        let checkName = try text("check_name", maxBytes: 512) ?? checkID
        let tags = (try text("tags", maxBytes: 2048) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let group = try text("group_name", maxBytes: 512)

        var labels = ["check_id": checkID, "check_name": checkName, "alert_type": type]
        for (label, key) in [("check_type", "check_type"), ("location", "run_location"), ("group", "group_name"),
                             ("status_code", "status_code"), ("check_result_id", "check_result_id")] {
            if let value = try text(key, maxBytes: 512) { labels[label] = value }
        }
        if !tags.isEmpty { labels["tags"] = tags.joined(separator: ",") }
        // The check run's trace, when the body carries it (`trace_id`, or a W3C `traceparent`):
        // the failing spans of that trace join the check's incident, whichever comes first.
        if let trace = try text("trace_id", maxBytes: 64) {
            guard let id = TraceContext.traceID(trace) else { throw .invalidValue("trace_id", "must be 32 hex digits, not all zero") }
            labels[TraceContext.label] = id
        } else if let parent = try text("traceparent", maxBytes: 256) {
            guard let id = TraceContext.traceID(traceparent: parent) else {
                throw .invalidValue("traceparent", "must be a W3C traceparent such as 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            }
            labels[TraceContext.label] = id
        }

        var details: [String] = []
        if let error = try text("error_message", maxBytes: 8192) { details.append(error) }
        if let location = labels["location"] { details.append("Location: \(location)") }
        if let time = try text("response_time", maxBytes: 64) { details.append("Response time: \(time) ms") }
        if let code = labels["status_code"] { details.append("Status code: \(code)") }

        let link = try text("result_link", maxBytes: 2048)
        let startedAt: Timestamp?
        if let started = try text("started_at", maxBytes: 64) {
            guard let time = RFC3339.parse(started) else {
                throw .invalidValue("started_at", "must be an RFC 3339 time such as 2026-11-29T04:00:00Z, got \"\(started.prefix(64))\"")
            }
            startedAt = time
        } else {
            startedAt = nil
        }
        return Signal(
            kind: .alert, source: .checkly, status: status, service: service(tags: tags, group: group, checkName: checkName),
            title: try text("alert_title", maxBytes: 1024) ?? "Check \(checkName) \(status == .resolved ? "recovered" : "failed")",
            description: details.isEmpty ? nil : details.joined(separator: "\n"), severity: severity, labels: labels,
            dedupKey: "checkly:\(checkID)", occurredAt: startedAt, links: link.map { [SignalLink(href: $0, text: "Checkly result")] } ?? [],
            sender: "checkly")
    }

    /// A `service:` tag; else the catalog service the first tag, or the group, names (by name
    /// or alias); else the group; else the check's name.
    func service(tags: [String], group: String?, checkName: String) -> String {
        for tag in tags {
            let parts = tag.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "service" {
                let name = parts[1].trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { return name }
            }
        }
        for candidate in tags + [group].compactMap({ $0 }) {
            if let service = catalog.service(named: candidate) { return service.name }
        }
        return group ?? checkName
    }
}
