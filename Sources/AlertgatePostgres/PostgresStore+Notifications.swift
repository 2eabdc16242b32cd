import AlertgateCore
import PostgresNIO

/// The outbox on the PostgreSQL store, with `SQLiteStore+Notifications`' rules. A claim takes
/// its rows `FOR UPDATE SKIP LOCKED`: replicas claiming at the same moment take different
/// rows, and a row leased by one (its `due_at` moved past its attempt) is not due for another.
extension PostgresStore: NotificationStore {
    private static let select = """
        SELECT n.*, t.at AS t_at, t.detail AS t_detail FROM notifications n LEFT JOIN transitions t ON t.seq = n.transition_seq
        """

    /// A pending row that is not first in line for its incident and receiver waits.
    private static let firstInLine = """
        NOT EXISTS (SELECT 1 FROM notifications p
                    WHERE p.status = 0 AND p.incident_id = n.incident_id AND p.receiver = n.receiver AND p.id < n.id AND NOT p.is_repeat)
        """

    public func claimDueNotifications(now: Timestamp, leaseUntil: Timestamp, limit: Int, excluding: Set<Int64>) async throws -> [StoredNotification] {
        let at = now.milliseconds
        return try await inTransaction { connection in
            var due = try await rows("""
                \(unescaped: Self.select)
                WHERE n.status = 0 AND n.due_at <= \(at) AND NOT (n.id = ANY(\(Array(excluding))::bigint[])) AND \(unescaped: Self.firstInLine)
                ORDER BY n.due_at, n.id LIMIT \(limit)
                FOR UPDATE OF n SKIP LOCKED
                """, on: connection, Self.notification)
            for index in due.indices {
                let notification = due[index]
                try await connection.query("""
                    UPDATE notifications SET attempts = attempts + 1, last_attempt_at = \(at), due_at = \(leaseUntil.milliseconds)
                    WHERE id = \(notification.id)
                    """, logger: logger)
                due[index].attempts += 1
                due[index].lastAttemptAt = now
                due[index].dueAt = leaseUntil
                if notification.kind == .incidentOpened || notification.kind == .incidentReopened, !notification.isRepeat {
                    try await connection.query("""
                        UPDATE notifications SET status = \(StoredNotification.Status.folded.code),
                            last_error = \("carried by notification \(notification.id), sent with the incident as it is now")
                        WHERE status = 0 AND incident_id = \(notification.incidentID) AND receiver = \(notification.receiver)
                          AND id > \(notification.id) AND kind = \(Transition.Kind.incidentEscalated.code) AND created_at <= \(at)
                          AND NOT is_repeat
                        """, logger: logger)
                }
            }
            return due
        }
    }

    public func recordDeliveries(_ results: [(id: Int64, result: DeliveryResult)]) async throws {
        try await inTransaction { connection in
            for (id, result) in results { try await record(id: id, result, on: connection) }
        }
    }

    private func record(id: Int64, _ result: DeliveryResult, on connection: PostgresConnection) async throws {
        switch result {
        case .delivered(let at, let repeatAt):
            try await connection.query("""
                UPDATE notifications SET status = \(StoredNotification.Status.delivered.code), delivered_at = \(at.milliseconds), last_error = NULL
                WHERE id = \(id)
                """, logger: logger)
            if let repeatAt { try await scheduleRepeat(of: id, at: repeatAt, created: at, on: connection) }
        case .retry(_, let error, let retryAt):
            try await connection.query("UPDATE notifications SET last_error = \(error), due_at = \(retryAt.milliseconds) WHERE id = \(id) AND status = 0",
                                       logger: logger)
        case .failed(_, let error):
            try await connection.query("UPDATE notifications SET status = \(StoredNotification.Status.failed.code), last_error = \(error) WHERE id = \(id)",
                                       logger: logger)
        case .cancelled(_, let reason):
            try await connection.query("""
                UPDATE notifications SET status = \(StoredNotification.Status.cancelled.code), last_error = \(reason) WHERE id = \(id)
                """, logger: logger)
        }
    }

    /// One repeat chain per incident and receiver: a pending repeat of the pair is moved, not
    /// doubled.
    private func scheduleRepeat(of id: Int64, at time: Timestamp, created: Timestamp, on connection: PostgresConnection) async throws {
        let moved = try await countRows("""
            UPDATE notifications r SET due_at = \(time.milliseconds) FROM notifications o
            WHERE o.id = \(id) AND r.status = 0 AND r.is_repeat AND r.incident_id = o.incident_id AND r.receiver = o.receiver
            RETURNING r.id
            """, on: connection)
        guard moved == 0 else { return }
        try await connection.query("""
            INSERT INTO notifications (transition_seq, kind, incident_id, receiver, route, is_repeat, created_at, due_at, repeat_ms)
            SELECT transition_seq, kind, incident_id, receiver, route, true, \(created.milliseconds), \(time.milliseconds), repeat_ms
            FROM notifications WHERE id = \(id)
            """, logger: logger)
    }

    public func pendingNotificationCount() async throws -> Int {
        try await rows("SELECT count(*) AS n FROM notifications WHERE status = 0 AND NOT (is_repeat AND attempts = 0)") {
            try $0["n"].decode(Int.self)
        }.first ?? 0
    }

    public func nextNotificationDue() async throws -> Timestamp? {
        try await rows("SELECT min(n.due_at) AS due FROM notifications n WHERE n.status = 0 AND \(unescaped: Self.firstInLine)") {
            try $0["due"].decode(Int64?.self)
        }.first?.map(Timestamp.init(milliseconds:))
    }

    public func notifications(incidentID: Int64) async throws -> [StoredNotification] {
        try await rows("\(unescaped: Self.select) WHERE n.incident_id = \(incidentID) ORDER BY n.id", Self.notification)
    }

    public func notifications(status: StoredNotification.Status?, beforeID: Int64?, limit: Int) async throws -> [StoredNotification] {
        let code = status.map { Int64($0.code) }
        return try await rows("""
            \(unescaped: Self.select) WHERE (\(code)::bigint IS NULL OR n.status = \(code)::bigint)
              AND (\(beforeID)::bigint IS NULL OR n.id < \(beforeID)::bigint)
            ORDER BY n.id DESC LIMIT \(limit)
            """, Self.notification)
    }

    public func notificationCounts(from: Timestamp, to: Timestamp) async throws
        -> (overall: NotificationCounts, byService: [String: NotificationCounts], byTeam: [String: NotificationCounts]) {
        let rows = try await rows("""
            SELECT i.service AS service, coalesce(i.owner, '') AS team, n.status AS status, count(*) AS n
            FROM notifications n JOIN incidents i ON i.id = n.incident_id
            WHERE i.opened_at >= \(from.milliseconds) AND i.opened_at < \(to.milliseconds) AND NOT (n.status = 0 AND n.is_repeat AND n.attempts = 0)
            GROUP BY i.service, i.owner, n.status
            """) { row in
            (service: try row["service"].decode(String.self), team: try row["team"].decode(String.self),
             status: StoredNotification.Status(code: try row["status"].decode(Int.self)), count: try row["n"].decode(Int.self))
        }
        var overall = NotificationCounts()
        var byService: [String: NotificationCounts] = [:]
        var byTeam: [String: NotificationCounts] = [:]
        for row in rows {
            guard let status = row.status else { continue }
            overall.add(status, row.count)
            byService[row.service, default: NotificationCounts()].add(status, row.count)
            if !row.team.isEmpty { byTeam[row.team, default: NotificationCounts()].add(status, row.count) }
        }
        return (overall, byService, byTeam)
    }

    static func notification(_ row: PostgresRandomAccessRow) throws -> StoredNotification {
        let created: Timestamp = try time(row, "created_at")
        let repeatMS = try row["repeat_ms"].decode(Int64?.self)
        return StoredNotification(
            id: try row["id"].decode(Int64.self), transitionSequence: try row["transition_seq"].decode(Int64?.self),
            kind: try code(Transition.Kind.self, row, "notifications", "kind"),
            transitionAt: (try time(row, "t_at") as Timestamp?) ?? created, detail: try row["t_detail"].decode(String?.self),
            incidentID: try row["incident_id"].decode(Int64.self), receiver: try row["receiver"].decode(String.self),
            route: try row["route"].decode(String.self), isRepeat: try row["is_repeat"].decode(Bool.self), createdAt: created,
            dueAt: try time(row, "due_at"), status: try code(StoredNotification.Status.self, row, "notifications", "status"),
            attempts: try row["attempts"].decode(Int.self), lastAttemptAt: try time(row, "last_attempt_at"),
            lastError: try row["last_error"].decode(String?.self), deliveredAt: try time(row, "delivered_at"),
            repeatInterval: repeatMS.map { .milliseconds($0) })
    }
}
