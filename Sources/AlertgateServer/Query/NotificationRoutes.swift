import AlertgateCore
import Hummingbird

/// Every delivery the outbox holds, and what became of it: `GET /api/v1/notifications`
/// (newest first; `status`, `before`, `limit`) and `GET /api/v1/incidents/{id}/notifications`
/// (oldest first).
struct NotificationRoutes: Sendable {
    let store: any NotificationStore & StoreReader

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/notifications") { request, _ in
            let parameters = QueryParameters(request.uri)
            var status: StoredNotification.Status?
            if let text = parameters.text("status") {
                guard let parsed = StoredNotification.Status(rawValue: text) else {
                    let known = StoredNotification.Status.allCases.map(\.rawValue).joined(separator: ", ")
                    throw APIError.invalidParameter("status", "must be one of \(known)")
                }
                status = parsed
            }
            let limit = try parameters.integer("limit") ?? 100
            guard (1...1000).contains(limit) else { throw APIError.invalidParameter("limit", "must be between 1 and 1000") }
            let notifications = try await store.notifications(status: status, beforeID: try parameters.integer("before"), limit: Int(limit))
            return JSONOutput.response(["notifications": notifications.map(NotificationView.init)])
        }
        router.get("/api/v1/incidents/:id/notifications") { _, context in
            guard let id = context.parameters.get("id", as: Int64.self) else {
                throw APIError.invalidParameter("id", "must be an integer incident id")
            }
            guard try await store.incident(id: id) != nil else { throw APIError.notFound("incident \(id)") }
            return JSONOutput.response(["notifications": try await store.notifications(incidentID: id).map(NotificationView.init)])
        }
    }
}

/// One outbox row as the API shows it.
struct NotificationView: Encodable {
    let notification: StoredNotification

    init(_ notification: StoredNotification) { self.notification = notification }

    enum CodingKeys: String, CodingKey {
        case id, receiver, route, transition, status, attempts, detail, `repeat`
        case incidentID = "incident_id", transitionSequence = "transition_sequence", transitionAt = "transition_at"
        case createdAt = "created_at", nextAttemptAt = "next_attempt_at", lastAttemptAt = "last_attempt_at", lastError = "last_error"
        case deliveredAt = "delivered_at", idempotencyKey = "idempotency_key"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(notification.id, forKey: .id)
        try c.encode(notification.incidentID, forKey: .incidentID)
        try c.encode(notification.receiver, forKey: .receiver)
        try c.encode(notification.route, forKey: .route)
        try c.encode(notification.kind.rawValue, forKey: .transition)
        try c.encode(notification.transitionSequence, forKey: .transitionSequence)
        try c.encode(notification.transitionAt.rfc3339, forKey: .transitionAt)
        try c.encode(notification.detail, forKey: .detail)
        try c.encode(notification.isRepeat, forKey: .repeat)
        try c.encode(notification.status.rawValue, forKey: .status)
        try c.encode(notification.attempts, forKey: .attempts)
        try c.encode(notification.createdAt.rfc3339, forKey: .createdAt)
        try c.encode(notification.status == .pending ? notification.dueAt.rfc3339 : nil, forKey: .nextAttemptAt)
        try c.encode(notification.lastAttemptAt?.rfc3339, forKey: .lastAttemptAt)
        try c.encode(notification.lastError, forKey: .lastError)
        try c.encode(notification.deliveredAt?.rfc3339, forKey: .deliveredAt)
        try c.encode(notification.idempotencyKey, forKey: .idempotencyKey)
    }
}
