import AlertgateCore
import Crypto
import Foundation

/// The request each kind of receiver gets for a message. Pure: the same message and receiver
/// always make the same bytes (the golden tests hold each body).
///
/// Every request carries the message's idempotency key in `Idempotency-Key` (and in the body
/// where the format has room), the same on every attempt and after a restart.
enum ReceiverRequests {
    /// The webhook body's version: a change that breaks a reader bumps it.
    static let webhookVersion = "1"
    /// The most alerts a webhook body lists, so a storm does not make a body of megabytes.
    static let webhookAlerts = 100

    /// The request for `message`; nil when the receiver's API has nothing for this transition
    /// (PagerDuty has no event for a public update).
    static func request(for message: NotificationMessage, to receiver: Receiver) -> OutboundRequest? {
        var request: OutboundRequest
        switch receiver.kind {
        case .webhook: request = webhook(message, receiver)
        case .slack: request = slack(message, receiver)
        case .alertmanager: request = alertmanager(message, receiver)
        case .pagerduty:
            guard let built = pagerDuty(message, receiver) else { return nil }
            request = built
        }
        request.headers.insert(contentsOf: [
            ("Content-Type", "application/json"), ("User-Agent", "alertgate"), ("Idempotency-Key", message.notification.idempotencyKey),
        ], at: 0)
        for (name, value) in receiver.headers.sorted(by: { $0.key < $1.key }) { request.headers.append((name, value)) }
        return request
    }

    // MARK: - Webhook

    /// alertgate's own body (version 1): the transition, the incident, its alerts, suspect
    /// changes and links. Signed with HMAC-SHA256 over the body when a secret is set:
    /// `X-Alertgate-Signature: sha256=<hex>`.
    static func webhook(_ message: NotificationMessage, _ receiver: Receiver) -> OutboundRequest {
        let body = JSONOutput.encode(WebhookBody(message: message, receiver: receiver.name))
        var headers: [(name: String, value: String)] = [("X-Alertgate-Event", message.notification.kind.rawValue)]
        if let secret = receiver.secret { headers.append(("X-Alertgate-Signature", "sha256=" + signature(body, secret: secret))) }
        return OutboundRequest(url: receiver.url, headers: headers, body: body)
    }

    /// HMAC-SHA256 of `body` with `secret`, in lowercase hex.
    static func signature(_ body: [UInt8], secret: String) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8))))
    }

    struct WebhookBody: Encodable {
        let message: NotificationMessage
        let receiver: String

        enum CodingKeys: String, CodingKey {
            case version, receiver, route, transition, incident, alerts, links, summary
            case idempotencyKey = "idempotency_key", suspectChanges = "suspect_changes", sentAt = "sent_at"
        }

        struct TransitionBody: Encodable {
            let notification: StoredNotification
            enum CodingKeys: String, CodingKey { case kind, sequence, at, detail, `repeat` }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(notification.kind.rawValue, forKey: .kind)
                try c.encode(notification.transitionSequence, forKey: .sequence)
                try c.encode(notification.transitionAt.rfc3339, forKey: .at)
                try c.encode(notification.detail, forKey: .detail)
                try c.encode(notification.isRepeat, forKey: .repeat)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(ReceiverRequests.webhookVersion, forKey: .version)
            try c.encode(message.notification.idempotencyKey, forKey: .idempotencyKey)
            try c.encode(receiver, forKey: .receiver)
            try c.encode(message.notification.route, forKey: .route)
            try c.encode(message.summary, forKey: .summary)
            try c.encode(TransitionBody(notification: message.notification), forKey: .transition)
            try c.encode(IncidentView(incident: message.incident), forKey: .incident)
            // Firing first, at most `webhookAlerts`: the incident's `alert_count` says how many in all.
            try c.encode(message.topAlerts(ReceiverRequests.webhookAlerts).map(AlertView.init), forKey: .alerts)
            try c.encode(message.suspects.map(ChangeView.init), forKey: .suspectChanges)
            try c.encode(message.links, forKey: .links)
            try c.encode(message.sentAt.rfc3339, forKey: .sentAt)
        }
    }

    // MARK: - Slack

    /// A Slack incoming webhook message: `text` for notifications and clients without blocks,
    /// `blocks` for the rest. Mattermost and Rocket.Chat read the same body.
    static func slack(_ message: NotificationMessage, _ receiver: Receiver) -> OutboundRequest {
        let incident = message.incident
        var fields = [
            "*Severity*\n\(incident.severity.rawValue)", "*Type*\n\(incident.type.rawValue)",
            "*Status*\n\(incident.status.rawValue)", "*Service*\n\(incident.services.isEmpty ? incident.service : incident.services.joined(separator: ", "))",
        ]
        if let owner = incident.owner { fields.append("*Team*\n\(owner)") }
        if let oncall = incident.oncall { fields.append("*On call*\n\(oncall)") }
        var blocks: [[String: Any]] = [
            ["type": "header", "text": ["type": "plain_text", "text": clip("[\(incident.severity.rawValue)] \(incident.title)", 150)]],
            ["type": "section", "text": ["type": "mrkdwn", "text": "Incident #\(incident.id) *\(escape(message.headline))*"],
             "fields": fields.map { ["type": "mrkdwn", "text": escape($0)] }],
        ]
        let alerts = message.topAlerts(5)
        if !alerts.isEmpty {
            let lines = alerts.map { "• \($0.status == .firing ? "🔥" : "✅") \(escape($0.title)) (\(escape($0.service)), ×\($0.count))" }
            let more = message.alerts.count > alerts.count ? "\n…and \(message.alerts.count - alerts.count) more" : ""
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": clip("*Alerts*\n" + lines.joined(separator: "\n") + more, 3000)]])
        }
        if let candidate = message.suspects.first(where: \.rollbackCandidate) {
            blocks.append(["type": "section", "text": ["type": "mrkdwn",
                                                       "text": clip("*Rollback candidate*\n\(escape(candidate.change.title)) (\(candidate.minutesBefore) min before)", 3000)]])
        }
        var links = ["<\(message.incidentURL)|Incident #\(incident.id)>"]
        if let runbook = message.runbook { links.append("<\(runbook)|Runbook>") }
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": links.joined(separator: " · ")]]])
        var body: [String: Any] = ["text": message.summary, "blocks": blocks]
        if let channel = receiver.channel { body["channel"] = channel }
        return OutboundRequest(url: receiver.url, headers: [], body: json(body))
    }

    /// Slack's mrkdwn controls `&`, `<` and `>`.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    // MARK: - Alertmanager

    /// `POST /api/v2/alerts`: one alert for the incident (`alertname="AlertgateIncident"`)
    /// and one for each of its alerts (their labels, with `incident`), so Alertmanager's own
    /// routes and receivers take over. A resolved or closed incident ends them all.
    static func alertmanager(_ message: NotificationMessage, _ receiver: Receiver) -> OutboundRequest {
        let incident = message.incident
        let ended = incident.status == .resolved || incident.status == .closed
        let endsAt = ended ? (incident.resolvedAt ?? incident.closedAt ?? message.sentAt).rfc3339 : nil
        var common = ["incident": String(incident.id), "incident_severity": incident.severity.rawValue, "incident_type": incident.type.rawValue]
        if let owner = incident.owner { common["team"] = owner }
        var incidentLabels = common
        incidentLabels["alertname"] = "AlertgateIncident"
        incidentLabels["service"] = incident.service
        var annotations = ["summary": incident.title, "status": incident.status.rawValue, "transition": message.headline]
        if let runbook = message.runbook { annotations["runbook_url"] = runbook }
        var alerts: [[String: Any]] = [
            alert(labels: incidentLabels, annotations: annotations, startsAt: incident.openedAt, endsAt: endsAt, url: message.incidentURL),
        ]
        for member in message.topAlerts(50) {
            var labels = [String: String]()
            for (name, value) in member.labels { labels[labelName(name)] = value }
            labels["alertname"] = labels["alertname"] ?? member.title
            labels["service"] = labels["service"] ?? member.service
            labels["incident"] = String(incident.id)
            let memberEnds = ended ? endsAt : member.resolvedAt?.rfc3339
            alerts.append(alert(labels: labels, annotations: ["summary": member.title], startsAt: member.firstSeen, endsAt: memberEnds,
                                url: message.incidentURL))
        }
        var url = receiver.url
        if !url.hasSuffix("/api/v2/alerts") { url = (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/api/v2/alerts" }
        return OutboundRequest(url: url, headers: [], body: json(alerts))
    }

    private static func alert(labels: [String: String], annotations: [String: String], startsAt: Timestamp, endsAt: String?, url: String) -> [String: Any] {
        var alert: [String: Any] = ["labels": labels, "annotations": annotations, "startsAt": startsAt.rfc3339, "generatorURL": url]
        if let endsAt { alert["endsAt"] = endsAt }
        return alert
    }

    /// Alertmanager takes label names of `[a-zA-Z_][a-zA-Z0-9_]*`: others become underscores.
    static func labelName(_ name: String) -> String {
        var result = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let ok = scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || (index > 0 && ("0"..."9").contains(scalar))
            result.unicodeScalars.append(ok ? scalar : "_")
        }
        return result.isEmpty ? "_" : result
    }

    // MARK: - PagerDuty

    /// Events API v2: trigger (opened, reopened, escalated, paged, repeats), acknowledge,
    /// resolve (resolved, closed), all with the incident's stable `dedup_key`.
    static func pagerDuty(_ message: NotificationMessage, _ receiver: Receiver) -> OutboundRequest? {
        let incident = message.incident
        let action: String
        switch message.notification.kind {
        case .incidentOpened, .incidentReopened, .incidentEscalated, .escalationStep: action = "trigger"
        case .incidentAcknowledged: action = "acknowledge"
        case .incidentResolved, .incidentClosed: action = "resolve"
        case .publicUpdate, .alertFiring, .alertResolved: return nil
        }
        var body: [String: Any] = [
            "routing_key": receiver.routingKey ?? "", "event_action": action, "dedup_key": dedupKey(incident),
            "client": "alertgate", "client_url": message.incidentURL,
        ]
        if action == "trigger" {
            var details: [String: Any] = [
                "incident": incident.id, "status": incident.status.rawValue, "type": incident.type.rawValue,
                "services": incident.services, "transition": message.headline, "idempotency_key": message.notification.idempotencyKey,
                "alerts": message.topAlerts(10).map { "\($0.title) (\($0.service), ×\($0.count))" },
            ]
            if let owner = incident.owner { details["team"] = owner }
            body["payload"] = [
                "summary": clip("[\(incident.severity.rawValue)] \(incident.title)", 1024), "source": incident.service,
                "severity": pagerDutySeverity(incident.severity), "timestamp": incident.openedAt.rfc3339,
                "component": incident.service, "group": incident.owner ?? incident.service, "class": incident.type.rawValue,
                "custom_details": details,
            ] as [String: Any]
            var links: [[String: String]] = [["href": message.incidentURL, "text": "Incident #\(incident.id) in alertgate"]]
            if let runbook = message.runbook { links.append(["href": runbook, "text": "Runbook"]) }
            body["links"] = links
        }
        return OutboundRequest(url: receiver.url, headers: [], body: json(body))
    }

    /// The same for every event of one incident, so PagerDuty keeps one incident for it.
    static func dedupKey(_ incident: IncidentState) -> String { "alertgate-incident-\(incident.id)" }

    static func pagerDutySeverity(_ severity: IncidentSeverity) -> String {
        switch severity {
        case .sev1: "critical"
        case .sev2: "error"
        case .sev3: "warning"
        case .sev4: "info"
        }
    }

    /// Sorted keys: the same value always makes the same bytes.
    private static func json(_ value: Any) -> [UInt8] {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])).map(Array.init) ?? []
    }
}
