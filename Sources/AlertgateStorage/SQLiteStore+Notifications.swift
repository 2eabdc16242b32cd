import AlertgateCore
import GRDB

/// The outbox. Rows come in with the pipeline's commits (`BatchWriter.writeTransitions`); the
/// sender's claims and results are short writes on the same writer connection.
extension SQLiteStore: NotificationStore {
    private static let select = """
        SELECT n.*, t.at AS t_at, t.detail AS t_detail FROM notifications n LEFT JOIN transitions t ON t.seq = n.transition_seq
        """

    public func claimDueNotifications(now: Timestamp, leaseUntil: Timestamp, limit: Int, excluding: Set<Int64>) async throws -> [StoredNotification] {
        // The held rows are few (the sender's slots and those claimed ahead): one placeholder each.
        let held = excluding.isEmpty ? "" : "AND n.id NOT IN (\(Array(repeating: "?", count: excluding.count).joined(separator: ", ")))"
        var arguments: StatementArguments = [now.milliseconds]
        arguments += StatementArguments(Array(excluding))
        arguments += [limit]
        return try await pool.write { [arguments] db in
            let due = try Row.fetchAll(db, sql: """
                \(Self.select)
                WHERE n.status = 0 AND n.due_at <= ? \(held)
                  AND NOT EXISTS (SELECT 1 FROM notifications p
                                  WHERE p.status = 0 AND p.incident_id = n.incident_id AND p.receiver = n.receiver AND p.id < n.id
                                    AND p.is_repeat = 0)
                ORDER BY n.due_at, n.id LIMIT ?
                """, arguments: arguments).map(RowDecoding.notification)
            let claim = try db.cachedStatement(sql: """
                UPDATE notifications SET attempts = attempts + 1, last_attempt_at = ?, due_at = ? WHERE id = ?
                """)
            let fold = try db.cachedStatement(sql: """
                UPDATE notifications SET status = ?, last_error = ?
                WHERE status = 0 AND incident_id = ? AND receiver = ? AND id > ? AND kind = ? AND created_at <= ? AND is_repeat = 0
                """)
            var claimed: [StoredNotification] = []
            for var notification in due {
                try claim.execute(arguments: [now.milliseconds, leaseUntil.milliseconds, notification.id])
                notification.attempts += 1
                notification.lastAttemptAt = now
                notification.dueAt = leaseUntil
                if notification.kind == .incidentOpened || notification.kind == .incidentReopened, !notification.isRepeat {
                    try fold.execute(arguments: [
                        StoredNotification.Status.folded.code, "carried by notification \(notification.id), sent with the incident as it is now",
                        notification.incidentID, notification.receiver, notification.id, Transition.Kind.incidentEscalated.code, now.milliseconds,
                    ])
                }
                claimed.append(notification)
            }
            return claimed
        }
    }

    public func recordDeliveries(_ results: [(id: Int64, result: DeliveryResult)]) async throws {
        try await pool.write { db in
            for (id, result) in results { try Self.record(id: id, result, db) }
        }
    }

    private static func record(id: Int64, _ result: DeliveryResult, _ db: Database) throws {
        switch result {
        case .delivered(let at, let repeatAt):
            try db.execute(sql: "UPDATE notifications SET status = ?, delivered_at = ?, last_error = NULL WHERE id = ?",
                           arguments: [StoredNotification.Status.delivered.code, at.milliseconds, id])
            if let repeatAt { try scheduleRepeat(of: id, at: repeatAt, created: at, db) }
        case .retry(_, let error, let retryAt):
            try db.execute(sql: "UPDATE notifications SET last_error = ?, due_at = ? WHERE id = ? AND status = 0",
                           arguments: [error, retryAt.milliseconds, id])
        case .failed(_, let error):
            try db.execute(sql: "UPDATE notifications SET status = ?, last_error = ? WHERE id = ?",
                           arguments: [StoredNotification.Status.failed.code, error, id])
        case .cancelled(_, let reason):
            try db.execute(sql: "UPDATE notifications SET status = ?, last_error = ? WHERE id = ?",
                           arguments: [StoredNotification.Status.cancelled.code, reason, id])
        }
    }

    /// One repeat chain per incident and receiver: a pending repeat of the pair is moved, not
    /// doubled.
    private static func scheduleRepeat(of id: Int64, at time: Timestamp, created: Timestamp, _ db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM notifications WHERE id = ?", arguments: [id]) else { return }
        let incidentID: Int64 = row["incident_id"]
        let receiver: String = row["receiver"]
        try db.execute(sql: """
            UPDATE notifications SET due_at = ? WHERE status = 0 AND is_repeat = 1 AND incident_id = ? AND receiver = ?
            """, arguments: [time.milliseconds, incidentID, receiver])
        guard db.changesCount == 0 else { return }
        try db.execute(sql: """
            INSERT INTO notifications (transition_seq, kind, incident_id, receiver, route, is_repeat, created_at, due_at, repeat_ms)
            VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
            """, arguments: [row["transition_seq"] as Int64?, row["kind"] as Int, incidentID, receiver, row["route"] as String,
                             created.milliseconds, time.milliseconds, row["repeat_ms"] as Int64?])
    }

    public func pendingNotificationCount() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM notifications WHERE status = 0 AND NOT (is_repeat = 1 AND attempts = 0)") ?? 0
        }
    }

    public func nextNotificationDue() async throws -> Timestamp? {
        try await pool.read { db in
            // Of the rows first in line only: one waiting behind its pair's retry is not work yet.
            try Int64.fetchOne(db, sql: """
                SELECT min(n.due_at) FROM notifications n
                WHERE n.status = 0
                  AND NOT EXISTS (SELECT 1 FROM notifications p
                                  WHERE p.status = 0 AND p.incident_id = n.incident_id AND p.receiver = n.receiver AND p.id < n.id
                                    AND p.is_repeat = 0)
                """).map(Timestamp.init(milliseconds:))
        }
    }

    public func notifications(incidentID: Int64) async throws -> [StoredNotification] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "\(Self.select) WHERE n.incident_id = ? ORDER BY n.id", arguments: [incidentID])
                .map(RowDecoding.notification)
        }
    }

    public func notifications(status: StoredNotification.Status?, beforeID: Int64?, limit: Int) async throws -> [StoredNotification] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let status { conditions.append("n.status = ?"); arguments.append(status.code) }
            if let beforeID { conditions.append("n.id < ?"); arguments.append(beforeID) }
            arguments.append(limit)
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "\(Self.select) \(filter) ORDER BY n.id DESC LIMIT ?", arguments: StatementArguments(arguments))
                .map(RowDecoding.notification)
        }
    }

    public func notificationCounts(from: Timestamp, to: Timestamp) async throws
        -> (overall: NotificationCounts, byService: [String: NotificationCounts], byTeam: [String: NotificationCounts]) {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT i.service AS service, coalesce(i.owner, '') AS team, n.status AS status, count(*) AS n
                FROM notifications n JOIN incidents i ON i.id = n.incident_id
                WHERE i.opened_at >= ? AND i.opened_at < ? AND NOT (n.status = 0 AND n.is_repeat = 1 AND n.attempts = 0)
                GROUP BY i.service, i.owner, n.status
                """, arguments: [from.milliseconds, to.milliseconds])
            var overall = NotificationCounts()
            var byService: [String: NotificationCounts] = [:]
            var byTeam: [String: NotificationCounts] = [:]
            for row in rows {
                guard let status = StoredNotification.Status(code: row["status"]) else { continue }
                let count: Int = row["n"]
                overall.add(status, count)
                byService[row["service"] as String, default: NotificationCounts()].add(status, count)
                let team: String = row["team"]
                if !team.isEmpty { byTeam[team, default: NotificationCounts()].add(status, count) }
            }
            return (overall, byService, byTeam)
        }
    }
}
