/// What a heartbeat expects: a ping every `schedule`, late by at most `grace`.
///
/// Declared in the config (`heartbeats:`) or made by its first ping (`declared` false), with
/// its service (the heartbeat's name when none is given).
public struct HeartbeatSpec: Hashable, Sendable {
    public var name: String
    public var service: String?
    public var schedule: HeartbeatSchedule
    public var grace: Duration
    /// Whether the config declares it (a reload may change it) or its first ping made it.
    public var declared: Bool

    /// A heartbeat made by its first ping without settings: a ping a day, an hour's grace, as
    /// healthchecks.io's checks start.
    public static let defaultSchedule = HeartbeatSchedule.every(.seconds(86_400))
    public static let defaultGrace = Duration.seconds(3_600)

    public init(name: String, service: String? = nil, schedule: HeartbeatSchedule = defaultSchedule, grace: Duration = defaultGrace, declared: Bool = false) {
        self.name = name
        self.service = service
        self.schedule = schedule
        self.grace = grace
        self.declared = declared
    }

    /// The service its alerts name.
    public var serviceName: String { service ?? name }

    /// Heartbeat names go into URLs: letters, digits, `.`, `_`, `-`, at most 128.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }
}

/// When the next ping is due: a fixed period after the last one, or the next time a cron
/// expression names.
public enum HeartbeatSchedule: Hashable, Sendable, CustomStringConvertible {
    case every(Duration)
    case cron(CronSchedule)

    /// When the ping after one at `time` is expected (nil: never, a cron that matches no day).
    public func expected(after time: Timestamp) -> Timestamp? {
        switch self {
        case .every(let period): time + period
        case .cron(let cron): cron.next(after: time)
        }
    }

    public var description: String {
        switch self {
        case .every(let period): "every \(DurationText.format(period))"
        case .cron(let cron): "cron \(cron.description)"
        }
    }
}
