import AlertgateCore

/// An incident as the API shows it (API.md's incident fields). Absent times are `null`.
struct IncidentView: Encodable {
    let incident: IncidentState

    enum CodingKeys: String, CodingKey {
        case id, key, title, status, severity, type, service, services, owner, oncall
        case holdUntil = "hold_until"
        case detectedBy = "detected_by", openedAt = "opened_at", acknowledgedAt = "acknowledged_at"
        case resolvedAt = "resolved_at", closedAt = "closed_at", lastActivityAt = "last_activity_at"
        case signalCount = "signal_count", alertCount = "alert_count", reportCount = "report_count"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(incident.id, forKey: .id)
        try c.encode(incident.key, forKey: .key)
        try c.encode(incident.title, forKey: .title)
        try c.encode(incident.status.rawValue, forKey: .status)
        try c.encode(incident.severity.rawValue, forKey: .severity)
        try c.encode(incident.type.rawValue, forKey: .type)
        try c.encode(incident.service, forKey: .service)
        try c.encode(incident.services, forKey: .services)
        try c.encode(incident.owner, forKey: .owner)
        try c.encode(incident.oncall, forKey: .oncall)
        try c.encode(incident.holdUntil?.rfc3339, forKey: .holdUntil)
        try c.encode(incident.detectedBy.rawValue, forKey: .detectedBy)
        try c.encode(incident.openedAt.rfc3339, forKey: .openedAt)
        try c.encode(incident.acknowledgedAt?.rfc3339, forKey: .acknowledgedAt)
        try c.encode(incident.resolvedAt?.rfc3339, forKey: .resolvedAt)
        try c.encode(incident.closedAt?.rfc3339, forKey: .closedAt)
        try c.encode(incident.lastActivity.rfc3339, forKey: .lastActivityAt)
        try c.encode(incident.signalCount, forKey: .signalCount)
        try c.encode(incident.alertCount, forKey: .alertCount)
        try c.encode(incident.reportCount, forKey: .reportCount)
    }
}

/// `GET /api/v1/incidents/{id}`: the incident with its alerts, timeline, suspect changes,
/// traces and reports.
struct IncidentDetailView: Encodable {
    let incident: IncidentState
    let alerts: [AlertState]
    let timeline: [StoredTimelineEntry]
    let suspectChanges: [SuspectChanges.Suspect]

    enum CodingKeys: String, CodingKey {
        case alerts, timeline, traces, reports
        case suspectChanges = "suspect_changes"
    }

    func encode(to encoder: any Encoder) throws {
        try IncidentView(incident: incident).encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alerts.map(AlertView.init), forKey: .alerts)
        try c.encode(timeline.map(TimelineView.init), forKey: .timeline)
        try c.encode(suspectChanges.map(ChangeView.init), forKey: .suspectChanges)
        try c.encode(alerts.filter { $0.kind == .trace }.map(AlertView.init), forKey: .traces)
        try c.encode(alerts.filter { $0.kind == .report }.map(AlertView.init), forKey: .reports)
    }
}

/// An alert inside an incident.
struct AlertView: Encodable {
    let alert: AlertState

    init(_ alert: AlertState) { self.alert = alert }

    enum CodingKeys: String, CodingKey {
        case id, fingerprint, status, kind, service, title, severity, labels, count, flapping
        case incidentID = "incident_id", firstSeen = "first_seen", lastSeen = "last_seen", resolvedAt = "resolved_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alert.id, forKey: .id)
        try c.encode(alert.incidentID, forKey: .incidentID)
        try c.encode(alert.fingerprint.value, forKey: .fingerprint)
        try c.encode(alert.status.rawValue, forKey: .status)
        try c.encode(alert.kind.rawValue, forKey: .kind)
        try c.encode(alert.service, forKey: .service)
        try c.encode(alert.title, forKey: .title)
        try c.encode(alert.severity.rawValue, forKey: .severity)
        try c.encode(alert.labels, forKey: .labels)
        try c.encode(alert.count, forKey: .count)
        try c.encode(alert.flapping, forKey: .flapping)
        try c.encode(alert.firstSeen.rfc3339, forKey: .firstSeen)
        try c.encode(alert.lastSeen.rfc3339, forKey: .lastSeen)
        try c.encode(alert.resolvedAt?.rfc3339, forKey: .resolvedAt)
    }
}

/// One timeline line.
struct TimelineView: Encodable {
    let stored: StoredTimelineEntry

    init(_ stored: StoredTimelineEntry) { self.stored = stored }

    enum CodingKeys: String, CodingKey {
        case id, at, kind, by, text, `public`
        case signalID = "signal_id", alertID = "alert_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stored.id, forKey: .id)
        try c.encode(stored.entry.at.rfc3339, forKey: .at)
        try c.encode(stored.entry.kind.rawValue, forKey: .kind)
        try c.encode(stored.entry.by, forKey: .by)
        try c.encode(stored.entry.text, forKey: .text)
        try c.encode(stored.entry.signalID, forKey: .signalID)
        try c.encode(stored.entry.alertID, forKey: .alertID)
        try c.encode(stored.entry.isPublic, forKey: .public)
    }
}

/// A deploy or config change shown as a suspect of an incident, with why.
struct ChangeView: Encodable {
    let suspect: SuspectChanges.Suspect
    var change: StoredChange { suspect.change }

    init(_ suspect: SuspectChanges.Suspect) { self.suspect = suspect }

    enum CodingKeys: String, CodingKey {
        case service, title, description, at, source, links, why
        case signalID = "signal_id", minutesBefore = "minutes_before", rollbackCandidate = "rollback_candidate", possibleFix = "possible_fix"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(suspect.why, forKey: .why)
        try c.encode(suspect.minutesBefore, forKey: .minutesBefore)
        try c.encode(suspect.rollbackCandidate, forKey: .rollbackCandidate)
        try c.encode(suspect.possibleFix, forKey: .possibleFix)
        try c.encode(change.signalID, forKey: .signalID)
        try c.encode(change.service, forKey: .service)
        try c.encode(change.title, forKey: .title)
        try c.encode(change.description, forKey: .description)
        try c.encode(change.at.rfc3339, forKey: .at)
        try c.encode(change.sender, forKey: .source)
        try c.encode(change.links, forKey: .links)
    }
}
