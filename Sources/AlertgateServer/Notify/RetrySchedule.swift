import AlertgateCore
import Foundation

/// What the sender does after a failed attempt: when to try again (exponential back-off with
/// jitter, or the receiver's `Retry-After`), or give up once the message is older than
/// `maxAge`. Pure: the random number comes from the caller.
struct RetrySchedule: Sendable {
    var initial: Duration
    var maximum: Duration
    var maxAge: Duration

    init(initial: Duration, maximum: Duration, maxAge: Duration) {
        self.initial = initial
        self.maximum = maximum
        self.maxAge = maxAge
    }

    init(_ config: GatewayConfig.Notify) {
        self.init(initial: config.retryInitial, maximum: config.retryMax, maxAge: config.maxAge)
    }

    /// The back-off after `attempts` failed attempts: `initial × 2^(attempts-1)`, at most
    /// `maximum`, scaled by `jitter` in [0.5, 1] so that many messages failing together do
    /// not come back together.
    func backoff(attempts: Int, jitter: Double) -> Duration {
        let doublings = min(max(attempts - 1, 0), 30)
        let full = min(initial * (1 << doublings), maximum)
        return full * min(max(jitter, 0.5), 1)
    }

    /// The result of a failed attempt made at `now` for a message created at `createdAt`.
    /// A receiver's `Retry-After` wins over the back-off (up to `maxAge`).
    func afterFailure(attempts: Int, createdAt: Timestamp, now: Timestamp, error: String, retryAfter: Duration?, jitter: Double) -> DeliveryResult {
        let delay = retryAfter ?? backoff(attempts: attempts, jitter: jitter)
        let retryAt = now + delay
        guard retryAt <= createdAt + maxAge else {
            return .failed(at: now, error: "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s") (notify.max_age \(DurationText.format(maxAge))): \(error)")
        }
        return .retry(at: now, error: error, retryAt: retryAt)
    }

    /// `Retry-After` as seconds or an HTTP date; nil when absent or unreadable.
    static func retryAfter(_ value: String?, now: Timestamp) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
        guard let date = HTTPDate.parse(value) else { return nil }
        return .milliseconds(max(0, date.milliseconds - now.milliseconds))
    }
}

/// RFC 9110's preferred date form (`Sun, 06 Nov 1994 08:49:37 GMT`), as `Retry-After` may carry.
enum HTTPDate {
    static func parse(_ text: String) -> Timestamp? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text).map(Timestamp.init)
    }
}
