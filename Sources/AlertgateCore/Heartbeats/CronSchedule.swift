/// A five-field cron expression (minute, hour, day of month, month, day of week), as cron and
/// Kubernetes CronJobs read it, in UTC: `*`, lists (`1,15`), ranges (`1-5`), steps (`*/10`,
/// `0-30/5`), month and weekday names (`jan`, `mon`; Sunday is 0 or 7), and the shorthands
/// `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`).
///
/// As in Vixie cron, when both the day of month and the day of week are restricted, a day
/// matching either one matches.
public struct CronSchedule: Hashable, Sendable, CustomStringConvertible {
    /// The expression as written.
    public let description: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 Sunday … 6 Saturday.
    let weekdays: Set<Int>
    let anyDayOfMonth: Bool
    let anyWeekday: Bool

    /// Why an expression was refused: the field and what was wrong with it.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    static let shorthands = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        let expanded = Self.shorthands[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(description: "a cron expression has five fields (minute hour day-of-month month day-of-week) or is one of @hourly, @daily, @weekly, @monthly, @yearly; got \(fields.count) fields")
        }
        description = trimmed
        minutes = try Self.field(fields[0], "minute", 0...59, names: [])
        hours = try Self.field(fields[1], "hour", 0...23, names: [])
        daysOfMonth = try Self.field(fields[2], "day of month", 1...31, names: [])
        months = try Self.field(fields[3], "month", 1...12, names: Self.monthNames, firstName: 1)
        // 7 is Sunday as well as 0.
        weekdays = Set(try Self.field(fields[4], "day of week", 0...7, names: Self.weekdayNames, firstName: 0).map { $0 % 7 })
        anyDayOfMonth = fields[2].hasPrefix("*")
        anyWeekday = fields[4].hasPrefix("*")
    }

    private static func field(_ text: String, _ name: String, _ range: ClosedRange<Int>, names: [String], firstName: Int = 0) throws(ParseError) -> Set<Int> {
        func value(_ part: Substring) throws(ParseError) -> Int {
            if let number = Int(part), range.contains(number) { return number }
            if let index = names.firstIndex(of: part.lowercased()) { return index + firstName }
            throw ParseError(description: "the \(name) field: `\(part)` is not in \(range.lowerBound)-\(range.upperBound)\(names.isEmpty ? "" : " or a name such as \(names[0])")")
        }
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            var step = 1
            if stepParts.count == 2 {
                guard let parsed = Int(stepParts[1]), parsed > 0, parsed <= range.count else {
                    throw ParseError(description: "the \(name) field: the step in `\(item)` must be a number from 1 to \(range.count)")
                }
                step = parsed
            }
            let base = stepParts[0]
            let low: Int, high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(base[..<dash])
                high = try value(base[base.index(after: dash)...])
                guard low <= high else { throw ParseError(description: "the \(name) field: the range `\(base)` runs backwards") }
            } else {
                low = try value(base)
                // `5/15` means from 5 to the end in steps of 15.
                high = stepParts.count == 2 ? range.upperBound : low
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    /// The first minute after `time` (strictly later) that the expression matches, or nil when
    /// none comes within eight years (`0 0 30 2 *`).
    public func next(after time: Timestamp) -> Timestamp? {
        let minute: Int64 = 60_000
        var t = (time.milliseconds.floorDivided(by: minute) + 1) * minute
        let limit = t + 8 * 366 * 86_400_000
        while t < limit {
            let civil = CivilTime(milliseconds: t)
            if !months.contains(civil.month) {
                t = CivilTime.milliseconds(year: civil.month == 12 ? civil.year + 1 : civil.year, month: civil.month % 12 + 1, day: 1)
                continue
            }
            if !matchesDay(civil) {
                t = civil.startOfDay + 86_400_000
                continue
            }
            if !hours.contains(civil.hour) {
                t = civil.startOfDay + Int64(civil.hour + 1) * 3_600_000
                continue
            }
            if !minutes.contains(civil.minute) {
                t += minute
                continue
            }
            return Timestamp(milliseconds: t)
        }
        return nil
    }

    private func matchesDay(_ civil: CivilTime) -> Bool {
        let dom = daysOfMonth.contains(civil.day)
        let dow = weekdays.contains(civil.weekday)
        switch (anyDayOfMonth, anyWeekday) {
        case (true, true): return true
        case (false, true): return dom
        case (true, false): return dow
        case (false, false): return dom || dow
        }
    }
}

/// A UTC time split into its calendar parts, by days-from-civil arithmetic (no Calendar).
struct CivilTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int
    /// 0 Sunday … 6 Saturday.
    var weekday: Int
    var startOfDay: Int64

    init(milliseconds: Int64) {
        let days = Int(milliseconds.floorDivided(by: 86_400_000))
        startOfDay = Int64(days) * 86_400_000
        let inDay = Int(milliseconds - startOfDay)
        hour = inDay / 3_600_000
        minute = inDay % 3_600_000 / 60_000
        weekday = ((days % 7) + 7 + 4) % 7 // 1970-01-01 was a Thursday.
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Midnight UTC of a date.
    static func milliseconds(year: Int, month: Int, day: Int) -> Int64 {
        Int64(RFC3339.daysFromCivil(year: year, month: month, day: day)) * 86_400_000
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
