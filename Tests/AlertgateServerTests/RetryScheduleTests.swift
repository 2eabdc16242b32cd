import AlertgateCore
@testable import AlertgateServer
import Testing

/// When a failed delivery is tried again, and when it is given up.
@Suite struct RetryScheduleTests {
    static let schedule = RetrySchedule(initial: .seconds(1), maximum: .seconds(60), maxAge: .seconds(3600))
    static let start = Timestamp(milliseconds: 1_795_924_800_000)

    @Test func theBackOffDoublesUpToItsMaximumWithJitter() {
        #expect(Self.schedule.backoff(attempts: 1, jitter: 1) == .seconds(1))
        #expect(Self.schedule.backoff(attempts: 2, jitter: 1) == .seconds(2))
        #expect(Self.schedule.backoff(attempts: 5, jitter: 1) == .seconds(16))
        #expect(Self.schedule.backoff(attempts: 7, jitter: 1) == .seconds(60))
        #expect(Self.schedule.backoff(attempts: 500, jitter: 1) == .seconds(60))
        // Jitter takes up to half off, never more.
        #expect(Self.schedule.backoff(attempts: 5, jitter: 0.5) == .seconds(8))
        #expect(Self.schedule.backoff(attempts: 5, jitter: 0) == .seconds(8))
        #expect(Self.schedule.backoff(attempts: 5, jitter: 0.75) == .seconds(12))
    }

    @Test func retryAfterWinsOverTheBackOff() {
        let result = Self.schedule.afterFailure(attempts: 1, createdAt: Self.start, now: Self.start, error: "HTTP 429",
                                                retryAfter: .seconds(30), jitter: 1)
        #expect(result == .retry(at: Self.start, error: "HTTP 429", retryAt: Self.start + .seconds(30)))
        #expect(RetrySchedule.retryAfter("120", now: Self.start) == .seconds(120))
        #expect(RetrySchedule.retryAfter(" 5 ", now: Self.start) == .seconds(5))
        // An HTTP date: 2026-11-29T04:01:00Z is a minute after `start`.
        #expect(RetrySchedule.retryAfter("Sun, 29 Nov 2026 04:01:00 GMT", now: Self.start) == .seconds(60))
        #expect(RetrySchedule.retryAfter("soon", now: Self.start) == nil)
        #expect(RetrySchedule.retryAfter(nil, now: Self.start) == nil)
    }

    @Test func aMessageOlderThanMaxAgeIsGivenUp() {
        let late = Self.start + .seconds(3590)
        let result = Self.schedule.afterFailure(attempts: 12, createdAt: Self.start, now: late, error: "connection refused",
                                                retryAfter: nil, jitter: 1)
        #expect(result == .failed(at: late, error: "gave up after 12 attempts (notify.max_age 1h): connection refused"))
        let inTime = Self.schedule.afterFailure(attempts: 1, createdAt: Self.start, now: late, error: "x", retryAfter: nil, jitter: 1)
        #expect(inTime == .retry(at: late, error: "x", retryAt: late + .seconds(1)))
    }
}

/// Which delivered messages go again, and when.
@Suite struct RepeatRuleTests {
    static let now = Timestamp(milliseconds: 1_795_924_800_000)
    static let hook = Receiver(name: "hook", kind: .webhook, url: "http://127.0.0.1:9/hook")
    static let alertmanager = Receiver(name: "am", kind: .alertmanager, url: "http://127.0.0.1:9093")

    static func incident(_ status: IncidentStatus) -> IncidentState {
        IncidentState(id: 1, key: "api", title: "Down", status: status, severity: .sev1, type: .outage, service: "api", services: ["api"],
                      owner: nil, detectedBy: .monitoring, openedAt: now, lastActivity: now, signalCount: 1, alertCount: 1, reportCount: 0)
    }

    static func notification(_ kind: Transition.Kind, repeatInterval: Duration? = .seconds(1800), isRepeat: Bool = false) -> StoredNotification {
        StoredNotification(id: 1, transitionSequence: 1, kind: kind, transitionAt: now, incidentID: 1, receiver: "x", route: "r",
                           isRepeat: isRepeat, createdAt: now, dueAt: now, repeatInterval: repeatInterval)
    }

    @Test func anOpenUnacknowledgedIncidentsMessageGoesAgainAfterItsInterval() {
        let due = { (kind: Transition.Kind, status: IncidentStatus, interval: Duration?, isRepeat: Bool) in
            NotificationSender.repeatTime(of: Self.notification(kind, repeatInterval: interval, isRepeat: isRepeat), to: Self.hook,
                                          incident: Self.incident(status), deliveredAt: Self.now)
        }
        #expect(due(.incidentOpened, .open, .seconds(1800), false) == Self.now + .seconds(1800))
        #expect(due(.incidentEscalated, .open, .seconds(1800), false) == Self.now + .seconds(1800))
        #expect(due(.incidentOpened, .open, .seconds(1800), true) == Self.now + .seconds(1800))
        // Not for a message that needs no one, an acknowledged incident, or a route without repeats.
        #expect(due(.publicUpdate, .open, .seconds(1800), false) == nil)
        #expect(due(.incidentOpened, .acknowledged, .seconds(1800), false) == nil)
        #expect(due(.incidentOpened, .open, nil, false) == nil)
    }

    @Test func anAlertmanagerHearsOfAnActiveIncidentEveryMinute() {
        let acknowledged = Self.incident(.acknowledged)
        #expect(NotificationSender.repeats(to: Self.alertmanager, incident: acknowledged))
        #expect(!NotificationSender.repeats(to: Self.hook, incident: acknowledged))
        #expect(!NotificationSender.repeats(to: Self.alertmanager, incident: Self.incident(.resolved)))
        #expect(NotificationSender.repeatTime(of: Self.notification(.incidentAcknowledged, repeatInterval: nil), to: Self.alertmanager,
                                              incident: acknowledged, deliveredAt: Self.now) == Self.now + .seconds(60))
        #expect(NotificationSender.repeatTime(of: Self.notification(.incidentResolved), to: Self.alertmanager,
                                              incident: Self.incident(.resolved), deliveredAt: Self.now) == nil)
    }
}
