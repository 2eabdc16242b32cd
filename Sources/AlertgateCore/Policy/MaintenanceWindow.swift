import Foundation

/// A recurring maintenance window: on the given weekdays, from one local time to another in a
/// time zone (a window whose end is before its start runs past midnight into the next day).
/// While it is open, new alerts its matchers match are silenced, as by a silence.
public struct MaintenanceWindow: Hashable, Sendable {
    public var name: String
    public var matchers: [LabelMatcher]
    /// 1 Sunday … 7 Saturday, as `Calendar` counts.
    public var weekdays: Set<Int>
    /// Minutes after local midnight.
    public var fromMinute: Int
    public var toMinute: Int
    public var timeZone: TimeZone {
        didSet {
            calendar.timeZone = timeZone
            timeZoneName = timeZone.identifier
        }
    }
    /// The zone as the config names it (Foundation may call `UTC` `GMT`).
    public var timeZoneName: String
    public var comment: String
    /// Gregorian, in `timeZone`: made once, not at every check.
    private var calendar: Calendar

    public init(name: String, matchers: [LabelMatcher], weekdays: Set<Int>, fromMinute: Int, toMinute: Int, timeZone: TimeZone, comment: String = "") {
        self.name = name
        self.matchers = matchers
        self.weekdays = weekdays
        self.fromMinute = fromMinute
        self.toMinute = toMinute
        self.timeZone = timeZone
        self.timeZoneName = timeZone.identifier
        self.comment = comment
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Whether the window is open at `time`.
    public func isOpen(at time: Timestamp) -> Bool {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: time.date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let now = hour * 60 + minute
        if fromMinute <= toMinute {
            return weekdays.contains(weekday) && now >= fromMinute && now < toMinute
        }
        let yesterday = weekday == 1 ? 7 : weekday - 1
        return (weekdays.contains(weekday) && now >= fromMinute) || (weekdays.contains(yesterday) && now < toMinute)
    }

    /// The times the window opens and closes that end after `from` and start before `until`,
    /// oldest first (a window running past midnight ends the next day).
    public func occurrences(from: Timestamp, until: Timestamp) -> [(start: Timestamp, end: Timestamp)] {
        let length = Int64(toMinute > fromMinute ? toMinute - fromMinute : toMinute + 1440 - fromMinute) * 60_000
        var found: [(start: Timestamp, end: Timestamp)] = []
        // From the day before `from` (a window of yesterday may still be open) to `until`'s day.
        guard var day = calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: from.date)) else { return [] }
        while day <= until.date {
            let weekday = calendar.component(.weekday, from: day)
            if weekdays.contains(weekday),
               let start = calendar.date(bySettingHour: fromMinute / 60, minute: fromMinute % 60, second: 0, of: day) {
                let opens = Timestamp(start)
                let closes = Timestamp(milliseconds: opens.milliseconds + length)
                if closes > from && opens < until { found.append((opens, closes)) }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return found
    }

    /// `sun 02:00–04:00 Europe/Berlin`, for people.
    public var schedule: String {
        let days = (1...7).filter(weekdays.contains).map { Self.weekdayNames[$0 - 1] }.joined(separator: ",")
        func clock(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
        return "\(days) \(clock(fromMinute))–\(clock(toMinute)) \(timeZoneName)"
    }
}

extension MaintenanceWindow: MuteRule {
    public var anchor: LabelMatcher? { LabelMatcher.anchor(of: matchers) }

    public func verdict(for signal: Signal, at time: Timestamp) -> MuteVerdict? {
        guard signal.matches(matchers), isOpen(at: time) else { return nil }
        return MuteVerdict(.silenced, rule: "maintenance", key: name,
                           reason: "Maintenance window \(name) (\(schedule))\(comment.isEmpty ? "" : ": \(comment)").")
    }
}
