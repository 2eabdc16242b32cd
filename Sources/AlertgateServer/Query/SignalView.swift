import AlertgateCore

/// A stored signal: where it went, why, and (for `GET /api/v1/signals/{id}`) the
/// normalized signal decoded again from its original bytes.
struct SignalView: Encodable {
    let stored: StoredSignal
    var normalized: Signal?

    enum CodingKeys: String, CodingKey {
        case id, kind, source, status, decision, severity, service, title, fingerprint, at, why, signal
        case receivedAt = "received_at", alertID = "alert_id", incidentID = "incident_id", payloadID = "payload_id", item
    }

    enum SignalKeys: String, CodingKey {
        case description, labels, links, source
        case dedupKey = "dedup_key", occurredAt = "occurred_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stored.id, forKey: .id)
        try c.encode(stored.kind.rawValue, forKey: .kind)
        try c.encode(stored.source.rawValue, forKey: .source)
        try c.encode(stored.status.rawValue, forKey: .status)
        try c.encode(stored.decision.rawValue, forKey: .decision)
        try c.encode(stored.severity.rawValue, forKey: .severity)
        try c.encode(stored.service, forKey: .service)
        try c.encode(stored.title, forKey: .title)
        try c.encode(stored.fingerprint, forKey: .fingerprint)
        try c.encode(stored.at.rfc3339, forKey: .at)
        try c.encode(stored.receivedAt.rfc3339, forKey: .receivedAt)
        try c.encode(stored.alertID, forKey: .alertID)
        try c.encode(stored.incidentID, forKey: .incidentID)
        try c.encode(stored.payloadID, forKey: .payloadID)
        try c.encode(stored.item, forKey: .item)
        try c.encode(stored.why, forKey: .why)
        if let normalized {
            var s = c.nestedContainer(keyedBy: SignalKeys.self, forKey: .signal)
            try s.encode(normalized.description, forKey: .description)
            try s.encode(normalized.labels, forKey: .labels)
            try s.encode(normalized.links, forKey: .links)
            try s.encode(normalized.sender, forKey: .source)
            try s.encode(normalized.dedupKey, forKey: .dedupKey)
            try s.encode(normalized.occurredAt?.rfc3339, forKey: .occurredAt)
        }
    }
}
