/// One row of the notification outbox: a (transition, receiver) pair written in the
/// transaction that made the transition, or a repeat the sender scheduled after delivering.
public struct StoredNotification: Hashable, Sendable {
    public enum Status: String, CaseIterable, StoredCode, Sendable {
        /// Not delivered yet: waiting for its time, its turn, or its next attempt.
        case pending
        case delivered
        /// Given up: too old (`notify.max_age`), a receiver no longer configured, or refused for good.
        case failed
        /// A repeat no longer needed: the incident was acknowledged or resolved first.
        case cancelled
        /// An escalation that the incident's first message, sent later, already carried.
        case folded

        /// The stored code. Part of the stored format: never reuse one.
        public var code: Int {
            switch self {
            case .pending: 0
            case .delivered: 1
            case .failed: 2
            case .cancelled: 3
            case .folded: 4
            }
        }
    }

    public var id: Int64
    /// The transition it tells of (for a repeat, the one it repeats).
    public var transitionSequence: Int64?
    public var kind: Transition.Kind
    /// When the transition happened, and its detail (`SEV3 → SEV1`).
    public var transitionAt: Timestamp
    public var detail: String?
    public var incidentID: Int64
    public var receiver: String
    /// The route that chose the receiver, or `escalation NAME`.
    public var route: String
    /// A repeat of an open, unacknowledged incident's message.
    public var isRepeat: Bool
    public var createdAt: Timestamp
    /// When it is next tried (while pending).
    public var dueAt: Timestamp
    public var status: Status
    public var attempts: Int
    public var lastAttemptAt: Timestamp?
    public var lastError: String?
    public var deliveredAt: Timestamp?
    /// From its route: sent again this often while the incident stays open and unacknowledged.
    public var repeatInterval: Duration?

    public init(id: Int64, transitionSequence: Int64?, kind: Transition.Kind, transitionAt: Timestamp, detail: String? = nil, incidentID: Int64,
                receiver: String, route: String, isRepeat: Bool = false, createdAt: Timestamp, dueAt: Timestamp, status: Status = .pending,
                attempts: Int = 0, lastAttemptAt: Timestamp? = nil, lastError: String? = nil, deliveredAt: Timestamp? = nil,
                repeatInterval: Duration? = nil) {
        self.id = id
        self.transitionSequence = transitionSequence
        self.kind = kind
        self.transitionAt = transitionAt
        self.detail = detail
        self.incidentID = incidentID
        self.receiver = receiver
        self.route = route
        self.isRepeat = isRepeat
        self.createdAt = createdAt
        self.dueAt = dueAt
        self.status = status
        self.attempts = attempts
        self.lastAttemptAt = lastAttemptAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.repeatInterval = repeatInterval
    }

    /// Sent with every attempt of this message, the same after a restart: a receiver that
    /// saw it already knows it is a resend.
    public var idempotencyKey: String { "alertgate-notification-\(id)" }
}

/// What became of one attempt.
public enum DeliveryResult: Hashable, Sendable {
    /// Delivered; with `repeatAt`, a repeat is scheduled then (unless one is pending already).
    case delivered(at: Timestamp, repeatAt: Timestamp?)
    /// Failed for now: tried again at `retryAt`.
    case retry(at: Timestamp, error: String, retryAt: Timestamp)
    /// Given up.
    case failed(at: Timestamp, error: String)
    /// Not sent, and never will be (a repeat no longer needed).
    case cancelled(at: Timestamp, reason: String)
}

extension NotificationStore {
    /// Records the result of one attempt.
    public func recordDelivery(id: Int64, _ result: DeliveryResult) async throws {
        try await recordDeliveries([(id, result)])
    }
}

/// Notifications sent, failed and pending: for the stats.
public struct NotificationCounts: Hashable, Sendable {
    public var delivered: Int
    public var failed: Int
    public var pending: Int
    public var cancelled: Int

    public init(delivered: Int = 0, failed: Int = 0, pending: Int = 0, cancelled: Int = 0) {
        self.delivered = delivered
        self.failed = failed
        self.pending = pending
        self.cancelled = cancelled
    }

    /// Counts `count` rows of `status` (folded rows count as cancelled).
    public mutating func add(_ status: StoredNotification.Status, _ count: Int) {
        switch status {
        case .delivered: delivered += count
        case .failed: failed += count
        case .pending: pending += count
        case .cancelled, .folded: cancelled += count
        }
    }
}

/// The outbox as the sender and the API see it. The rows are written by the pipeline's
/// commits (`Transition.deliveries`); the sender claims, records and schedules repeats.
public protocol NotificationStore: Sendable {
    /// Pending rows due by `now` that are first in line for their incident and receiver (so
    /// each pair is delivered in order; a scheduled repeat holds no one back), oldest first. Each is marked attempted (attempts + 1)
    /// and not due again before `leaseUntil`, so a crash before its result is recorded means
    /// one more attempt, never a lost one. An escalation pending behind a claimed `opened` or
    /// `reopened` row of the same pair and made by `now` is folded into it. Rows in `excluding`
    /// are not claimed even when their lease has run out: the caller still holds them (an
    /// attempt that took longer than its lease on a starved machine is not doubled).
    func claimDueNotifications(now: Timestamp, leaseUntil: Timestamp, limit: Int, excluding: Set<Int64>) async throws -> [StoredNotification]
    /// Records the results of attempts, in one transaction.
    func recordDeliveries(_ results: [(id: Int64, result: DeliveryResult)]) async throws
    /// Rows not delivered yet (waiting, or failing and retried); repeats scheduled for later
    /// and not tried yet do not count.
    func pendingNotificationCount() async throws -> Int
    /// The earliest time a pending row first in line for its pair is due, if any: when the
    /// sender next has work.
    func nextNotificationDue() async throws -> Timestamp?
    /// An incident's notifications, oldest first.
    func notifications(incidentID: Int64) async throws -> [StoredNotification]
    /// Newest first, below `beforeID`, optionally of one status.
    func notifications(status: StoredNotification.Status?, beforeID: Int64?, limit: Int) async throws -> [StoredNotification]
    /// Notifications of incidents opened in [from, to), overall and by the incidents' service and
    /// team (repeats scheduled for later and not tried yet do not count).
    func notificationCounts(from: Timestamp, to: Timestamp) async throws -> (overall: NotificationCounts, byService: [String: NotificationCounts], byTeam: [String: NotificationCounts])
}

extension NotificationStore {
    /// Claims as `claimDueNotifications(now:leaseUntil:limit:excluding:)`, holding no row.
    public func claimDueNotifications(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [StoredNotification] {
        try await claimDueNotifications(now: now, leaseUntil: leaseUntil, limit: limit, excluding: [])
    }
}
