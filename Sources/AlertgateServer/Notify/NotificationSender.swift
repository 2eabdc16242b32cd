import AlertgateCore
import Logging
import ServiceLifecycle

/// Delivers the outbox: claims due rows (`NotificationStore.claimDueNotifications`, first in
/// line for their incident and receiver, so each pair goes out in order), sends each to its
/// receiver with at most `notify.concurrency` in flight, and records the result: delivered
/// (with the next repeat, for an open incident that nobody acknowledged), retried with back-off
/// and jitter or the receiver's `Retry-After`, or given up after `notify.max_age`.
///
/// A claim marks the row attempted before the request goes out, so a crash between sending
/// and recording leaves it pending: it is sent again after a restart with the same
/// idempotency key, and a receiver that keeps keys acts on it once.
///
/// It sleeps on the gateway's clock until the next row is due, `notify.poll_interval` at most,
/// and wakes at once when the pipeline stores new deliveries (`IngestPipeline.deliveriesStored`).
public struct NotificationSender: Service {
    let outbox: any NotificationStore
    let reader: any StoreReader
    let book: PolicyBook
    let clock: any WallClock
    let config: GatewayConfig.Notify
    let baseURL: ExternalURL
    let doorbell: Doorbell
    let metrics: GatewayMetrics
    let logger: Logger
    /// The jitter of retries, in [0.5, 1].
    let random: @Sendable () -> Double

    init(outbox: any NotificationStore, reader: any StoreReader, book: PolicyBook, clock: any WallClock, config: GatewayConfig.Notify,
         baseURL: ExternalURL, doorbell: Doorbell, metrics: GatewayMetrics, logger: Logger, random: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1) }) {
        self.outbox = outbox
        self.reader = reader
        self.book = book
        self.clock = clock
        self.config = config
        self.baseURL = baseURL
        self.doorbell = doorbell
        self.metrics = metrics
        self.logger = logger
        self.random = random
    }

    public func run() async throws {
        // Made here, not at init: a client must be shut down, and only a running sender does.
        let client = HTTPDeliveryClient(connectTimeout: config.timeout, connections: config.concurrency)
        await cancelWhenGracefulShutdown { await self.loop(client) }
        await client.shutdown()
    }

    private func loop(_ client: any DeliveryClient) async {
        let schedule = RetrySchedule(config)
        let recorder = OutboxRecorder(outbox: outbox)
        let ahead = config.concurrency
        await withTaskGroup(of: Int64.self) { group in
            var inFlight: Set<Int64> = []
            var queued: [StoredNotification] = []
            while !Task.isCancelled {
                // Claim ahead, up to `concurrency` rows waiting for a slot, in batches (each claim
                // is a write); a claimed row is leased for two timeouts, its wait and its attempt.
                // Rows held here are never claimed twice, even past their lease.
                let room = config.concurrency + ahead - inFlight.count - queued.count
                if queued.isEmpty || room >= ahead / 2 {
                    queued += await claim(limit: room, excluding: inFlight.union(queued.map(\.id)))
                }
                if !queued.isEmpty, inFlight.count < config.concurrency {
                    let notification = queued.removeFirst()
                    inFlight.insert(notification.id)
                    group.addTask {
                        await self.deliver(notification, schedule: schedule, client: client, recorder: recorder)
                        return notification.id
                    }
                    continue
                }
                if !inFlight.isEmpty {
                    // Full, or nothing due: wait for one to finish (it may free a later row of its pair).
                    if let done = await group.next() { inFlight.remove(done) }
                    continue
                }
                await waitForWork()
            }
            group.cancelAll()
        }
    }

    private func claim(limit: Int, excluding held: Set<Int64>) async -> [StoredNotification] {
        let now = clock.now()
        do {
            // The lease: no second attempt before this one has had its whole timeout.
            return try await outbox.claimDueNotifications(now: now, leaseUntil: now + config.timeout * 2 + .seconds(1), limit: limit,
                                                          excluding: held)
        } catch is CancellationError {
            // The gateway is stopping: not a failure of the outbox.
            return []
        } catch {
            logger.error("notification outbox could not be read", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Until the next row is due, the doorbell rings, or `poll_interval` passes.
    private func waitForWork() async {
        var delay = config.pollInterval
        if let next = try? await outbox.nextNotificationDue() {
            let until = Duration.milliseconds(max(0, next.milliseconds - clock.now().milliseconds))
            delay = min(delay, until)
        }
        guard delay > .zero else { return }
        let wait = delay
        let doorbell = doorbell
        let clock = clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await doorbell.wait() }
            group.addTask { try? await clock.sleep(for: wait) }
            await group.next()
            group.cancelAll()
        }
    }

    /// One attempt, and its result recorded.
    func deliver(_ notification: StoredNotification, schedule: RetrySchedule, client: any DeliveryClient, recorder: OutboxRecorder) async {
        let result = await attempt(notification, schedule: schedule, client: client)
        metrics.notified(receiver: notification.receiver, result: result)
        do {
            try await recorder.record(id: notification.id, result)
        } catch {
            // Left pending: tried again after its lease, with the same idempotency key.
            logger.error("notification result could not be recorded", metadata: ["id": "\(notification.id)", "error": "\(error)"])
        }
        if case .failed(_, let error) = result {
            logger.warning("notification given up", metadata: ["id": "\(notification.id)", "receiver": "\(notification.receiver)", "error": "\(error)"])
        }
    }

    func attempt(_ notification: StoredNotification, schedule: RetrySchedule, client: any DeliveryClient) async -> DeliveryResult {
        let policy = book.current.policy
        let started = clock.now()
        guard let receiver = policy.notifications.receivers[notification.receiver] else {
            return .failed(at: started, error: "receiver `\(notification.receiver)` is not in the config any more")
        }
        let incident: IncidentState
        let message: NotificationMessage
        do {
            guard let found = try await reader.incident(id: notification.incidentID) else {
                return .failed(at: started, error: "incident \(notification.incidentID) is not in the store")
            }
            incident = found
            if notification.isRepeat, !Self.repeats(to: receiver, incident: incident) {
                return .cancelled(at: started, reason: "the incident is \(incident.status.rawValue) now")
            }
            message = try await NotificationMessage.assemble(notification, incident: incident, store: reader, policy: policy, baseURL: baseURL.value, at: started)
        } catch {
            return schedule.afterFailure(attempts: notification.attempts, createdAt: notification.createdAt, now: clock.now(),
                                         error: "the store could not be read: \(error)", retryAfter: nil, jitter: random())
        }
        guard let request = ReceiverRequests.request(for: message, to: receiver) else {
            return .cancelled(at: started, reason: "a \(receiver.kind.rawValue) receiver has no message for \(notification.kind.rawValue)")
        }
        let response = await client.send(request, timeout: config.timeout)
        let now = clock.now()
        let error: String
        var retryAfter: Duration?
        switch response {
        case .answered(let status, _, _) where (200..<300).contains(status):
            return .delivered(at: now, repeatAt: Self.repeatTime(of: notification, to: receiver, incident: incident, deliveredAt: now))
        case .answered(let status, let retryAfterHeader, let body):
            error = "HTTP \(status)\(body.isEmpty ? "" : ": \(body)")"
            // Refused for good: the request itself is wrong for this receiver (a bad URL, key or body).
            if (400..<500).contains(status), ![408, 425, 429].contains(status) { return .failed(at: now, error: error) }
            retryAfter = RetrySchedule.retryAfter(retryAfterHeader, now: now)
        case .unreachable(let text):
            error = text
        }
        return schedule.afterFailure(attempts: notification.attempts, createdAt: notification.createdAt, now: now, error: error,
                                     retryAfter: retryAfter, jitter: random())
    }

    /// How often an Alertmanager receiver hears again of an active incident: Alertmanager ends
    /// an alert nobody resends within its `resolve_timeout` (5m by default), as Prometheus
    /// resends every minute.
    static let alertmanagerRefresh: Duration = .seconds(60)

    /// Whether a repeat is still wanted: while the incident is open and unacknowledged, or for
    /// an Alertmanager receiver while it is active at all.
    static func repeats(to receiver: Receiver, incident: IncidentState) -> Bool {
        receiver.kind == .alertmanager ? incident.status.isActive : incident.status == .open
    }

    /// A delivered message of an open incident that nobody acknowledged goes out again after
    /// its route's repeat interval, for the messages that say it needs someone; an
    /// Alertmanager receiver gets the incident again every minute while it is active.
    static func repeatTime(of notification: StoredNotification, to receiver: Receiver, incident: IncidentState, deliveredAt: Timestamp) -> Timestamp? {
        guard Self.repeats(to: receiver, incident: incident) else { return nil }
        if receiver.kind == .alertmanager { return deliveredAt + min(Self.alertmanagerRefresh, notification.repeatInterval ?? Self.alertmanagerRefresh) }
        guard let interval = notification.repeatInterval else { return nil }
        let repeats: Set<Transition.Kind> = [.incidentOpened, .incidentReopened, .incidentEscalated]
        guard notification.isRepeat || repeats.contains(notification.kind) else { return nil }
        return deliveredAt + interval
    }
}
