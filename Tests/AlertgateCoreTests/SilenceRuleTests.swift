import AlertgateCore
import Foundation
import Testing

@Suite("Matchers, silences and maintenance windows")
struct SilenceRuleTests {
    @Test(arguments: [
        ("alertname=DiskFull", "alertname", LabelMatcher.Operator.equal, "DiskFull"),
        ("instance!=a", "instance", .notEqual, "a"),
        ("alertname=~Disk.*", "alertname", .regex, "Disk.*"),
        (#"job!~"node|blackbox""#, "job", .notRegex, "node|blackbox"),
        (#" summary = "a \"quoted\" text" "#, "summary", .equal, #"a "quoted" text"#),
    ])
    func parsesAlertmanagerMatchers(text: String, name: String, op: LabelMatcher.Operator, value: String) throws {
        let matcher = try LabelMatcher(parsing: text)
        #expect(matcher.name == name && matcher.op == op && matcher.value == value)
    }

    @Test(arguments: ["alertname", "=x", "a=~(", #"a="open"#])
    func refusesBrokenMatchers(text: String) {
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: text) }
    }

    @Test func regexesMatchWholeValuesAndMissingLabelsAreEmpty() throws {
        let disk = try LabelMatcher(parsing: "alertname=~Disk.*")
        #expect(disk.matches(["alertname": "DiskFull"]))
        #expect(!disk.matches(["alertname": "NodeDiskFull"]), "anchored, as Alertmanager's")
        #expect(try LabelMatcher(parsing: "team=").matches([:]))
        #expect(try LabelMatcher(parsing: "team!=ops").matches([:]))
    }

    @Test func listsInBracesOrCommas() throws {
        let matchers = try LabelMatcher.parseList(#"{alertname="Foo, Bar", service=~"check.*"}"#)
        #expect(matchers.map(\.description) == [#"alertname="Foo, Bar""#, "service=~check.*"])
    }

    @Test func aSilenceIsActiveBetweenItsTimesOnly() throws {
        let silence = Silence(id: 1, matchers: [try LabelMatcher(parsing: "service=checkout")], startsAt: at(100), endsAt: at(200),
                              createdBy: "ana", comment: "migration", updatedAt: at(0))
        let signal = Signal(service: "checkout", title: "Errors")
        #expect(silence.state(at: at(99)) == .pending && silence.verdict(for: signal, at: at(99)) == nil)
        #expect(silence.verdict(for: signal, at: at(100))?.decision == .silenced)
        #expect(silence.verdict(for: Signal(service: "search", title: "Errors"), at: at(150)) == nil)
        #expect(silence.state(at: at(200)) == .expired && silence.verdict(for: signal, at: at(200)) == nil)
    }

    @Test func aSilenceThatWouldMuteEverythingIsRefused() throws {
        let everything = Silence(id: 0, matchers: [try LabelMatcher(parsing: "team=~.*")], startsAt: at(0), endsAt: at(10),
                                 createdBy: "x", comment: "", updatedAt: at(0))
        #expect(throws: PolicyError.self) { try everything.validate() }
        let backwards = Silence(id: 0, matchers: [try LabelMatcher(parsing: "team=ops")], startsAt: at(10), endsAt: at(0),
                                createdBy: "x", comment: "", updatedAt: at(0))
        #expect(throws: PolicyError.self) { try backwards.validate() }
    }

    /// at(0) is Sunday 2026-11-29 04:00 UTC, 05:00 in Berlin.
    @Test func aWeeklyWindowFollowsItsTimeZone() throws {
        let window = MaintenanceWindow(name: "reports-weekly", matchers: [try LabelMatcher(parsing: "service=reports")], weekdays: [1],
                                       fromMinute: 4 * 60, toMinute: 6 * 60, timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let signal = Signal(service: "reports", title: "ReportJobFailed")
        #expect(window.verdict(for: signal, at: at(0))?.rule == "maintenance")
        #expect(window.verdict(for: signal, at: at(-3601)) == nil, "02:59 UTC is 03:59 in Berlin")
        #expect(window.verdict(for: signal, at: at(3600)) == nil, "06:00 in Berlin: closed")
        #expect(window.verdict(for: signal, at: at(7 * 86400)) != nil, "the next Sunday")
        #expect(window.verdict(for: signal, at: at(86400)) == nil, "Monday")
        #expect(window.verdict(for: Signal(service: "web", title: "x"), at: at(0)) == nil)
    }

    @Test func aWindowPastMidnightRunsIntoTheNextDay() throws {
        // Saturday 23:00 to 02:00 UTC.
        let window = MaintenanceWindow(name: "night", matchers: [try LabelMatcher(parsing: "service=db")], weekdays: [7],
                                       fromMinute: 23 * 60, toMinute: 2 * 60, timeZone: TimeZone(identifier: "UTC")!)
        #expect(window.isOpen(at: at(-4 * 3600 - 1800)), "Sunday 00:30, the window opened Saturday")
        #expect(!window.isOpen(at: at(0)), "Sunday 04:00")
        #expect(window.isOpen(at: at(-5 * 3600 + 1800)), "Saturday 23:30")
    }

    @Test func aWindowListsItsOccurrencesIncludingOneStillOpen() throws {
        let night = MaintenanceWindow(name: "night", matchers: [try LabelMatcher(parsing: "service=db")], weekdays: [7],
                                      fromMinute: 23 * 60, toMinute: 2 * 60, timeZone: TimeZone(identifier: "UTC")!)
        // From Sunday 00:30 (Saturday's window still open) through the next two weeks.
        let open = night.occurrences(from: at(-4 * 3600 - 1800), until: at(14 * 86400))
        #expect(open.map(\.start) == [at(-5 * 3600), at(-5 * 3600 + 7 * 86400), at(-5 * 3600 + 14 * 86400)].filter { $0 < at(14 * 86400) })
        #expect(open.allSatisfy { $0.end.milliseconds - $0.start.milliseconds == 3 * 3_600_000 })
        // In Berlin, from its own local time.
        let berlin = MaintenanceWindow(name: "reports", matchers: [], weekdays: [1], fromMinute: 4 * 60, toMinute: 6 * 60,
                                       timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let sundays = berlin.occurrences(from: at(3600), until: at(8 * 86400))
        #expect(sundays.map(\.start) == [at(7 * 86400 - 3600)], "this Sunday's ended at 05:00 UTC; the next starts 03:00 UTC")
        #expect(berlin.occurrences(from: at(86400), until: at(2 * 86400)).isEmpty)
    }
}

@Suite("Regexes that are only words match without the engine, and as the engine would")
struct LiteralPatternTests {
    static let patterns = [
        "warning|critical", "Disk.*", ".*Full", ".*disk.*", "(Disk|Filesystem)Full7", "(?i).*(latency|slow|p99).*", "(?i)up|absent.*",
        "server|consumer|", "", "a\\.b", "(?:x|y)(1|2)z", "(?i)security", "error(|_|-| )rate.*", "checkout-.*|.*-api",
    ]
    static let values = [
        "", "warning", "critical", "Critical", "warn", "DiskFull", "Disk", "NodeDiskFull", "FilesystemFull7", "DiskFull7", "DiskFull77",
        "HighLatency", "SLOW", "api_p99", "up", "UP", "upstream", "absent_metric", "server", "consumer", "client", "a.b", "axb",
        "x1z", "y2z", "x3z", "Security", "securityx", "error rate", "error_rate_high", "errorrate", "checkout-web", "search-api", "checkout",
    ]

    @Test(arguments: patterns)
    func agreesWithTheEngine(pattern: String) throws {
        let matcher = try LabelMatcher(name: "v", op: .regex, value: pattern)
        #expect(!matcher.usesRegexEngine, "`\(pattern)` is only words")
        let engine = try NSRegularExpression(pattern: "^(?:\(pattern))$")
        for value in Self.values {
            let expected = engine.firstMatch(in: value, range: NSRange(value.startIndex..<value.endIndex, in: value)) != nil
            #expect(matcher.matches(["v": value]) == expected, "`\(pattern)` on `\(value)`")
        }
    }

    @Test(arguments: ["a[bc]", "a+", "a{2}", "^a", "a?b", ".x.", "(a|b.*)c", "\\d+"])
    func otherPatternsGoToTheEngine(pattern: String) throws {
        #expect(try LabelMatcher(name: "v", op: .regex, value: pattern).usesRegexEngine)
    }
}
