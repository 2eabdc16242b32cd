// Writes fixtures/schema: one small database for each released schema version, holding the
// rows an alertgate of that release wrote for one short story, and the original bodies of its
// payloads (`payload-<id>.json`). MigrationsTests upgrades every database with the current code.
//
// Usage: schema-fixtures <output-folder>   (scripts/make-schema-fixtures runs it)
//
// The rows are written with raw SQL naming exactly the columns each version had, never
// through the current writer, so later changes to the code do not change what the old files
// hold. Everything is fixed (times, ids, bodies): a rerun gives the same rows.
//
// The story, 2026-11-29 from 04:00:00Z (t0), with the default correlation config:
//   t0     Prometheus posts two firing alerts to /api/v2/alerts (payload 1):
//          HighLatency (api, error) opens incident 1, DiskFull (db, critical, team storage)
//          opens incident 2. Signals 1 and 2, alerts 1 and 2.
//   t0+30  CI posts a deploy of api to /api/v1/changes (payload 2): signal 3, a change row;
//          changes open no incident.
//   t0+45  bob acknowledges incident 2 through the API (a command: no payload, no signal).
//   t0+60  Prometheus resends (payload 3): HighLatency again with a later endsAt (signal 4, a
//          repeat of alert 1), DiskFull resolved (signal 5): alert 2 and incident 2 resolve.
// So the file holds one firing alert (1) in one open incident (1), one resolved alert (2)
// in one resolved incident (2), three payloads, five signals, five timeline entries and one
// change.
//
// What each release wrote differently:
//   v1-initial                every payload zlib (or kept as is when zlib did not help);
//                             alerts had no ends_at.
//   v2-alert-ends-at          alerts.ends_at: the latest endsAt the sender gave.
//   v3-payload-dictionary     payloads.dictionary_id: a resend is stored compressed against
//                             the last payload of its key stored in full (encoding 2);
//                             payload 3 is stored so, against payload 1.
//   v4-drop-signals-by-alert  the same rows as v3 (the release dropped an index only).
//   v5-transitions            the transitions the story made: incidents 1 and 2 opened and
//                             their alerts firing at t0, incident 2 acknowledged at t0+45,
//                             alert 2 and incident 2 resolved at t0+60.
//   v6-classification-and-silences  incidents.rule_severity: the severity each incident's
//                             signals asked for (here its severity); one silence made through
//                             the API at t0+10 by bob, for service=db until t0+3600.
//   v7-notifications-and-audit  incidents.labels: those of the signal that opened each. The
//                             outbox of one webhook receiver, ops, sent everything by its route
//                             `all` (no group wait, repeats every 4h): both openings delivered at
//                             t0+1, each with its repeat scheduled 4h later; the acknowledgement
//                             delivered at t0+46; the resolution refused once (HTTP 503) at
//                             t0+61 and waiting for its retry at t0+62. The audit log: bob's
//                             silence (t0+10) and acknowledgement (t0+45) through the API.
import AlertgateCore
import AlertgateStorage
import Foundation
import GRDB

/// The released schema versions, oldest first: one database each.
let released = ["v1-initial", "v2-alert-ends-at", "v3-payload-dictionary", "v4-drop-signals-by-alert", "v5-transitions",
                "v6-classification-and-silences", "v7-notifications-and-audit"]

let t0: Int64 = 1_795_924_800_000

func ms(_ seconds: Int64) -> Int64 { t0 + seconds * 1000 }

func json(_ value: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

func whyText(_ why: Why) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try! encoder.encode(why), as: UTF8.self)
}

// MARK: - The senders' bodies

let highLatencyLabels = ["alertname": "HighLatency", "instance": "api-1:9090", "service": "api", "severity": "error"]
let diskFullLabels = ["alertname": "DiskFull", "instance": "db-1:9100", "service": "db", "severity": "critical", "team": "storage"]
// Alertmanager's fingerprints of the label sets, as alertgate stored them.
let highLatency = Fingerprint.labels(highLatencyLabels).value
let diskFull = Fingerprint.labels(diskFullLabels).value
let deployTitle = "Deploy api v2.4.1"
let deploy = Fingerprint.labels(["alertname": deployTitle, "service": "api"]).value

/// One alert as Prometheus posts it to /api/v2/alerts.
func prometheusAlert(_ labels: [String: String], summary: String, expression: String, startsAt: Int64, endsAt: Int64) -> [String: Any] {
    [
        "labels": labels,
        "annotations": ["summary": summary, "runbook_url": "https://runbooks.example.com/\(labels["alertname"]!)"],
        "startsAt": Timestamp(milliseconds: startsAt).rfc3339,
        "endsAt": Timestamp(milliseconds: endsAt).rfc3339,
        "generatorURL": "http://prometheus:9090/graph?g0.expr=\(queryEscaped(expression))&g0.tab=1",
    ]
}

/// As Go's `url.QueryEscape`, which Prometheus uses for generatorURL.
func queryEscaped(_ text: String) -> String {
    var allowed = CharacterSet(charactersIn: "-_.~")
    allowed.formUnion(CharacterSet(charactersIn: "a"..."z"))
    allowed.formUnion(CharacterSet(charactersIn: "A"..."Z"))
    allowed.formUnion(CharacterSet(charactersIn: "0"..."9"))
    return text.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: "%20", with: "+")
}

let latencySummary = "p99 latency of api above 500ms for 5 minutes"
let latencyExpression = "histogram_quantile(0.99, rate(http_request_duration_seconds_bucket{job=\"api\"}[5m])) > 0.5"
let diskSummary = "Disk of db-1 is 95% full"
let diskExpression = "node_filesystem_avail_bytes{instance=\"db-1:9100\"} / node_filesystem_size_bytes < 0.05"

/// Payload 1 at t0: both alerts fire; Prometheus promises an end 4 minutes out.
let firstPost = json([
    prometheusAlert(highLatencyLabels, summary: latencySummary, expression: latencyExpression, startsAt: t0, endsAt: ms(240)),
    prometheusAlert(diskFullLabels, summary: diskSummary, expression: diskExpression, startsAt: t0, endsAt: ms(240)),
])
/// Payload 2 at t0+30: a deploy, as CI posts it to /api/v1/changes.
let deployPost = json([
    "kind": "change", "service": "api", "title": deployTitle, "description": "Rolling update to v2.4.1", "source": "ci",
    "links": [["href": "https://ci.example.com/runs/4242", "text": "CI run 4242"]],
])
/// Payload 3 at t0+60: the resend; DiskFull resolved (its endsAt is now).
let resendPost = json([
    prometheusAlert(highLatencyLabels, summary: latencySummary, expression: latencyExpression, startsAt: t0, endsAt: ms(300)),
    prometheusAlert(diskFullLabels, summary: diskSummary, expression: diskExpression, startsAt: t0, endsAt: ms(60)),
])

struct Body {
    var bytes: [UInt8]
    var source: SignalSource
    var key: String
    var receivedAt: Int64
}

/// The payloads in id order.
let bodies = [
    Body(bytes: Array(firstPost.utf8), source: .alertmanagerAPI, key: highLatency, receivedAt: t0),
    Body(bytes: Array(deployPost.utf8), source: .changes, key: deploy, receivedAt: ms(30)),
    Body(bytes: Array(resendPost.utf8), source: .alertmanagerAPI, key: highLatency, receivedAt: ms(60)),
]

// MARK: - Rows

func openWhy(_ key: String) -> String {
    whyText(Why(rule: Correlator.Rule.open, key: key, window: "correlation_window", windowSeconds: 600,
                detail: "No incident of key \(key) is active, within correlation_window, or within reopen_window."))
}

func writeStory(_ db: Database, version: Int) throws {
    // Payloads: v1 and v2 compressed each body on its own; v3 on keep the last full payload
    // of each key as the dictionary of the next (the compressor learns a base's id once its
    // transaction has committed, simulated here after each insert).
    let compressor = PayloadCompressor()
    for body in bodies {
        let receivedAt = Timestamp(milliseconds: body.receivedAt)
        let payload = version >= 3
            ? compressor.compress(body.bytes, key: body.key, source: body.source, contentType: "application/json", receivedAt: receivedAt)
            : StoredPayload.compressing(body.bytes, source: body.source, contentType: "application/json", receivedAt: receivedAt)
        var arguments: StatementArguments = [
            body.receivedAt, body.source.code, payload.contentType, payload.encoding.rawValue, payload.originalSize, Data(payload.bytes),
        ]
        if version >= 3 {
            _ = arguments.append(contentsOf: [payload.dictionaryID])
            try db.execute(sql: """
                INSERT INTO payloads (received_at, source, content_type, encoding, size, data, dictionary_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
        } else {
            try db.execute(sql: """
                INSERT INTO payloads (received_at, source, content_type, encoding, size, data) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
        }
        payload.commitObserver?.payloadCommitted(id: db.lastInsertedRowID)
    }
    let resend = try Row.fetchOne(db, sql: "SELECT * FROM payloads WHERE id = 3")!
    let expected = version >= 3 ? StoredPayload.Encoding.zlibDictionary : .zlib
    guard resend["encoding"] == expected.rawValue else { fatalError("payload 3 came out as encoding \(resend["encoding"] as Int)") }

    // Signals: the same columns in every release.
    let signals: [StatementArguments] = [
        [1, 1, 0, SignalKind.alert.code, SignalSource.alertmanagerAPI.code, SignalStatus.firing.code, Decision.opened.code,
         Severity.error.code, t0, t0, 1, 1, highLatency, "api", "HighLatency", openWhy("api")],
        [2, 1, 1, SignalKind.alert.code, SignalSource.alertmanagerAPI.code, SignalStatus.firing.code, Decision.opened.code,
         Severity.critical.code, t0, t0, 2, 2, diskFull, "db", "DiskFull", openWhy("db")],
        [3, 2, 0, SignalKind.change.code, SignalSource.changes.code, SignalStatus.firing.code, Decision.recorded.code,
         Severity.info.code, ms(30), ms(30), nil, nil, deploy, "api", deployTitle,
         whyText(Why(rule: Correlator.Rule.change, key: "api", detail: "Change events are kept as rollback candidates and open no incident."))],
        [4, 3, 0, SignalKind.alert.code, SignalSource.alertmanagerAPI.code, SignalStatus.firing.code, Decision.repeat.code,
         Severity.error.code, ms(60), ms(60), 1, 1, highLatency, "api", "HighLatency",
         whyText(Why(rule: Correlator.Rule.repeatOfAlert, key: highLatency, window: "resolve_timeout", windowSeconds: 300,
                     detail: "Alert 1 with this fingerprint is firing; repeat 2."))],
        [5, 3, 1, SignalKind.alert.code, SignalSource.alertmanagerAPI.code, SignalStatus.resolved.code, Decision.resolved.code,
         Severity.critical.code, ms(60), ms(60), 2, 2, diskFull, "db", "DiskFull",
         whyText(Why(rule: Correlator.Rule.resolveSignal, key: diskFull, detail: "The sender resolved alert 2."))],
    ]
    for signal in signals {
        try db.execute(sql: """
            INSERT INTO signals (id, payload_id, item, kind, source, status, decision, severity, received_at, at,
                                 alert_id, incident_id, fingerprint, service, title, why)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: signal)
    }
    try db.execute(sql: "INSERT INTO changes (signal_id, service, title, description, at, sender, links) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   arguments: [3, "api", deployTitle, "Rolling update to v2.4.1", ms(30), "ci",
                               json([["href": "https://ci.example.com/runs/4242", "text": "CI run 4242"]])])

    // Alerts: v2 on keep the sender's latest endsAt; a resolve leaves it as it was.
    var alerts: [StatementArguments] = [
        [1, highLatency, 1, AlertStatus.firing.code, SignalKind.alert.code, "api", "HighLatency", Severity.error.code,
         json(highLatencyLabels), t0, ms(60), nil, 2],
        [2, diskFull, 2, AlertStatus.resolved.code, SignalKind.alert.code, "db", "DiskFull", Severity.critical.code,
         json(diskFullLabels), t0, t0, ms(60), 1],
    ]
    let columns = "id, fingerprint, incident_id, status, kind, service, title, severity, labels, first_seen, last_seen, resolved_at, count"
    if version >= 2 {
        _ = alerts[0].append(contentsOf: [ms(300)])
        _ = alerts[1].append(contentsOf: [ms(240)])
    }
    for alert in alerts {
        let sql = version >= 2
            ? "INSERT INTO alerts (\(columns), ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            : "INSERT INTO alerts (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        try db.execute(sql: sql, arguments: alert)
    }

    // Incidents as the last batch left them: the same columns in every release.
    let incidents: [StatementArguments] = [
        [1, "api", "HighLatency", IncidentStatus.open.code, IncidentSeverity.sev2.code, IncidentType.degradation.code, "api",
         json(["api"]), nil, DetectedBy.monitoring.code, t0, nil, nil, nil, ms(60), 2, 1, 0, false],
        [2, "db", "DiskFull", IncidentStatus.resolved.code, IncidentSeverity.sev1.code, IncidentType.outage.code, "db",
         json(["db"]), "storage", DetectedBy.monitoring.code, t0, ms(45), ms(60), nil, ms(60), 2, 1, 0, false],
    ]
    for incident in incidents {
        try db.execute(sql: """
            INSERT INTO incidents (id, key, title, status, severity, type, service, services, owner, detected_by,
                                   opened_at, acknowledged_at, resolved_at, closed_at, last_activity,
                                   signal_count, alert_count, report_count, classified_by_hand)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: incident)
    }
    if version >= 6 {
        try db.execute(sql: "UPDATE incidents SET rule_severity = severity")
        try db.execute(sql: """
            INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, updated_at, config_key)
            VALUES (?, ?, ?, 'bob', 'disk swap', ?, NULL)
            """, arguments: [json(["service=db"]), ms(10), ms(3600), ms(10)])
    }

    // Timeline, in the order it was written.
    let timeline: [StatementArguments] = [
        [1, t0, TimelineEntry.Kind.opened.rawValue, nil, "HighLatency", 1, nil],
        [2, t0, TimelineEntry.Kind.opened.rawValue, nil, "DiskFull", 2, nil],
        [2, ms(45), TimelineEntry.Kind.acknowledged.rawValue, "bob", "on it: clearing old WAL segments", nil, nil],
        [2, ms(60), TimelineEntry.Kind.alertResolved.rawValue, nil, "DiskFull: resolved by its sender", 5, 2],
        [2, ms(60), TimelineEntry.Kind.resolved.rawValue, nil, "All alerts resolved.", 5, nil],
    ]
    for entry in timeline {
        try db.execute(sql: "INSERT INTO timeline (incident_id, at, kind, by, text, signal_id, alert_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: entry)
    }

    // Transitions, v5 on, in the order the announce stage made them.
    guard version >= 5 else { return }
    let transitions: [StatementArguments] = [
        [t0, Transition.Kind.incidentOpened.code, 1, nil, IncidentSeverity.sev2.code, nil],
        [t0, Transition.Kind.alertFiring.code, 1, 1, IncidentSeverity.sev2.code, nil],
        [t0, Transition.Kind.incidentOpened.code, 2, nil, IncidentSeverity.sev1.code, nil],
        [t0, Transition.Kind.alertFiring.code, 2, 2, IncidentSeverity.sev1.code, nil],
        [ms(45), Transition.Kind.incidentAcknowledged.code, 2, nil, IncidentSeverity.sev1.code, nil],
        [ms(60), Transition.Kind.alertResolved.code, 2, 2, IncidentSeverity.sev1.code, nil],
        [ms(60), Transition.Kind.incidentResolved.code, 2, nil, IncidentSeverity.sev1.code, nil],
    ]
    for transition in transitions {
        try db.execute(sql: "INSERT INTO transitions (at, kind, incident_id, alert_id, severity, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: transition)
    }

    // The labels of incidents, the outbox and the audit log, v7 on.
    guard version >= 7 else { return }
    try db.execute(sql: "UPDATE incidents SET labels = ? WHERE id = 1", arguments: [json(highLatencyLabels)])
    try db.execute(sql: "UPDATE incidents SET labels = ? WHERE id = 2", arguments: [json(diskFullLabels)])
    let fourHours: Int64 = 4 * 3_600_000
    let delivered = StoredNotification.Status.delivered.code
    let pending = StoredNotification.Status.pending.code
    let opened = Transition.Kind.incidentOpened.code
    // transition_seq, kind, incident_id, is_repeat, created_at, due_at, status, attempts, last_attempt_at, last_error, delivered_at
    let notifications: [StatementArguments] = [
        [1, opened, 1, 0, t0, t0, delivered, 1, ms(1), nil, ms(1)],
        [3, opened, 2, 0, t0, t0, delivered, 1, ms(1), nil, ms(1)],
        [1, opened, 1, 1, ms(1), ms(1) + fourHours, pending, 0, nil, nil, nil],
        [3, opened, 2, 1, ms(1), ms(1) + fourHours, pending, 0, nil, nil, nil],
        [5, Transition.Kind.incidentAcknowledged.code, 2, 0, ms(45), ms(45), delivered, 1, ms(46), nil, ms(46)],
        [7, Transition.Kind.incidentResolved.code, 2, 0, ms(60), ms(62), pending, 1, ms(61), "HTTP 503", nil],
    ]
    for notification in notifications {
        var arguments = notification
        _ = arguments.append(contentsOf: ["ops", "all", fourHours])
        try db.execute(sql: """
            INSERT INTO notifications (transition_seq, kind, incident_id, is_repeat, created_at, due_at, status, attempts,
                                       last_attempt_at, last_error, delivered_at, receiver, route, repeat_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: arguments)
    }
    for (at, path) in [(ms(10), "/api/v2/silences"), (ms(45), "/api/v1/incidents/2/acknowledge")] {
        try db.execute(sql: "INSERT INTO audit (at, actor, address, method, path, status, detail) VALUES (?, 'bob', '10.0.0.7', 'POST', ?, 200, NULL)",
                       arguments: [at, path])
    }
}

// MARK: - Files

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: schema-fixtures <output-folder>\n".utf8))
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])
guard Array(SchemaHistory.migrations.prefix(released.count)) == released else {
    fatalError("the released migrations are no longer the first ones: \(SchemaHistory.migrations)")
}
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

// A file once written stands for its release for good: rewriting it from today's migrations
// would hide an edit of a shipped one, which MigrationsTests exists to catch. Only versions
// released since the last run get a file.
for (index, body) in bodies.enumerated() {
    let url = folder.appendingPathComponent("payload-\(index + 1).json")
    if !FileManager.default.fileExists(atPath: url.path) { try Data(body.bytes).write(to: url) }
}

for (index, migration) in released.enumerated() {
    let path = folder.appendingPathComponent("\(migration).sqlite").path
    if FileManager.default.fileExists(atPath: path) {
        print("\(path): kept (written by an earlier run)")
        continue
    }
    try SchemaHistory.createDatabase(at: path, upTo: migration)
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in try writeStory(db, version: index + 1) }
    // Small pages and no free space: the file stays a few KB per table.
    try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA page_size = 1024")
        try db.execute(sql: "VACUUM")
    }
    try queue.close()
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    print("\(path): \(size) bytes")
}
