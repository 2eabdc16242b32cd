import AlertgateCore

/// Everything a receiver's request is made of: the outbox row, and the incident as it is when
/// the message goes out (so a message that waited its group wait carries the alerts that
/// joined meanwhile).
struct NotificationMessage: Sendable {
    let notification: StoredNotification
    let incident: IncidentState
    let alerts: [AlertState]
    let suspects: [SuspectChanges.Suspect]
    /// The base of links: `http.external_url`, or the listener's address.
    let baseURL: String
    let runbook: String?
    let sentAt: Timestamp

    var incidentURL: String { "\(baseURL)/api/v1/incidents/\(incident.id)" }
    var reviewURL: String { "\(incidentURL)/review" }

    /// Links for people and tools; the runbook when the catalog has one.
    var links: [String: String] {
        var links = ["incident": incidentURL, "review": reviewURL, "notifications": "\(incidentURL)/notifications"]
        if let runbook { links["runbook"] = runbook }
        return links
    }

    /// What happened, in a few words: `opened`, `escalated (SEV3 → SEV1)`, `still open`.
    var headline: String {
        if notification.isRepeat { return incident.status == .open ? "still open, not acknowledged" : "still \(incident.status.rawValue)" }
        let detail = notification.detail.map { " (\($0))" } ?? ""
        switch notification.kind {
        case .incidentOpened: return "opened"
        case .incidentEscalated: return "escalated\(detail)"
        case .incidentAcknowledged: return "acknowledged"
        case .incidentResolved: return "resolved"
        case .incidentReopened: return "reopened"
        case .incidentClosed: return "closed"
        case .publicUpdate: return "public update\(notification.detail.map { ": \($0)" } ?? "")"
        case .escalationStep: return "paging\(detail)"
        case .alertFiring: return "alert firing"
        case .alertResolved: return "alert resolved"
        }
    }

    /// `[SEV1] #42 checkout: PostgresDown (opened)`.
    var summary: String {
        "[\(incident.severity.rawValue)] #\(incident.id) \(incident.service): \(incident.title) (\(headline))"
    }

    /// Firing alerts first, newest last seen first; at most `limit`.
    func topAlerts(_ limit: Int) -> [AlertState] {
        Array(alerts.sorted { ($0.status == .firing ? 0 : 1, -$0.lastSeen.milliseconds, $0.id) < ($1.status == .firing ? 0 : 1, -$1.lastSeen.milliseconds, $1.id) }.prefix(limit))
    }
}

extension NotificationMessage {
    /// Reads what the message needs from the store.
    static func assemble(_ notification: StoredNotification, incident: IncidentState, store: any StoreReader, policy: Policy,
                         baseURL: String, at now: Timestamp) async throws -> NotificationMessage {
        async let alerts = store.alerts(incidentID: incident.id)
        async let suspects = SuspectChanges.load(for: incident, policy: policy, store: store)
        return NotificationMessage(notification: notification, incident: incident, alerts: try await alerts, suspects: try await suspects,
                                   baseURL: baseURL, runbook: policy.catalog.service(named: incident.service)?.runbook, sentAt: now)
    }
}
