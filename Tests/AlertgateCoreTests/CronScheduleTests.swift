import AlertgateCore
import Testing

@Suite("Cron expressions: the next time each names, in UTC")
struct CronScheduleTests {
    func next(_ expression: String, after: String) throws -> String? {
        try CronSchedule(parsing: expression).next(after: try #require(RFC3339.parse(after)))?.rfc3339
    }

    @Test func nextTimes() throws {
        #expect(try next("0 3 * * *", after: "2026-12-01T02:59:00Z") == "2026-12-01T03:00:00.000Z")
        #expect(try next("0 3 * * *", after: "2026-12-01T03:00:00Z") == "2026-12-02T03:00:00.000Z", "strictly after")
        #expect(try next("*/15 * * * *", after: "2026-12-01T10:07:31Z") == "2026-12-01T10:15:00.000Z")
        #expect(try next("30 2 1 * *", after: "2026-12-05T00:00:00Z") == "2027-01-01T02:30:00.000Z", "over a year's end")
        #expect(try next("0 9 * * mon-fri", after: "2026-12-04T09:00:00Z") == "2026-12-07T09:00:00.000Z", "Friday to Monday")
        #expect(try next("0 0 29 feb *", after: "2026-03-01T00:00:00Z") == "2028-02-29T00:00:00.000Z", "the next leap day")
        #expect(try next("0 12 * * 7", after: "2026-12-01T00:00:00Z") == "2026-12-06T12:00:00.000Z", "7 is Sunday")
        #expect(try next("@hourly", after: "2026-12-01T10:00:00Z") == "2026-12-01T11:00:00.000Z")
        #expect(try next("@weekly", after: "2026-12-01T00:00:00Z") == "2026-12-06T00:00:00.000Z")
        #expect(try next("5-10/5 4 * 1,7 *", after: "2026-12-01T00:00:00Z") == "2027-01-01T04:05:00.000Z")
        // Both day fields restricted: either one matches (the 13th, or any Friday).
        #expect(try next("0 0 13 * fri", after: "2026-12-01T00:00:00Z") == "2026-12-04T00:00:00.000Z")
        #expect(try next("0 0 30 2 *", after: "2026-12-01T00:00:00Z") == nil, "February 30th never comes")
    }

    @Test func refusalsNameTheField() {
        for (expression, words) in [("0 3 * *", "five fields"), ("61 * * * *", "minute"), ("0 24 * * *", "hour"), ("0 0 0 * *", "day of month"),
                                    ("0 0 * 13 *", "month"), ("0 0 * * 8", "day of week"), ("*/0 * * * *", "step"), ("5-1 * * * *", "backwards"), ("*/61 * * * *", "step"), ("* * */9223372036854775807 * *", "step"),
                                    ("0 0 * * funday", "day of week")] {
            #expect(throws: CronSchedule.ParseError.self, "\(expression)") { try CronSchedule(parsing: expression) }
            do {
                _ = try CronSchedule(parsing: expression)
            } catch {
                #expect(error.description.contains(words), "\(expression): \(error.description)")
            }
        }
    }
}
