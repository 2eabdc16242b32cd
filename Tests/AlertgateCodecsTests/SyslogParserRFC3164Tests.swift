import AlertgateCodecs
import AlertgateCore
import Testing

/// BSD syslog (RFC 3164) and the variants senders actually use.
@Suite struct SyslogParserRFC3164Tests {
    static let receivedAt = RFC3339.parse("2026-11-29T05:00:00.000Z")!

    func parse(_ text: String, receivedAt: Timestamp = receivedAt) throws(CodecError) -> SyslogMessage {
        try SyslogParser.parse(Array(text.utf8), receivedAt: receivedAt)
    }

    @Test func rfc3164Example1() throws {
        let message = try parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")
        #expect(message == SyslogMessage(
            facility: .auth, severity: 2, timestamp: RFC3339.parse("2026-10-11T22:14:15Z"), hostname: "mymachine",
            appName: "su", message: "'su root' failed for lonvick on /dev/pts/8", format: .rfc3164))
    }

    @Test func rfc3164Example2HostIsAnAddressAndThereIsNoTag() throws {
        let message = try parse("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!")
        #expect(message.timestamp == RFC3339.parse("2026-02-05T17:32:18Z"))
        #expect(message.hostname == "10.0.0.99")
        #expect(message.appName == nil)
        #expect(message.message == "Use the BFG!")
    }

    @Test func rfc3164Example3WithAZoneWhereTheHostShouldBe() throws {
        let message = try parse("<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  Ingredients: Mix=OK, Jelly=OK # Devices: Mixer=OK, Jelly_Injector=OK, Frier=OK # Transport: Conveyer1=OK, Conveyer2=OK # %%")
        #expect(message.facility == .local4)
        #expect(message.severity == 5)
        #expect(message.hostname == "CST")
        #expect(message.appName == nil)
        #expect(message.message.hasPrefix("1987 mymachine myproc[10]: %% It's time"))
    }

    @Test func rfc3164Example4WithoutAValidTimestamp() throws {
        let message = try parse("<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!")
        #expect(message.severity == 0)
        #expect(message.facility == .kern)
        #expect(message.timestamp == nil)
        #expect(message.hostname == nil)
        #expect(message.message == "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!")
    }

    @Test func rfc3164RelayedExample() throws {
        let message = try parse("<0>Oct 22 10:52:12 scapegoat 1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!")
        #expect(message.hostname == "scapegoat")
        #expect(message.timestamp == RFC3339.parse("2026-10-22T10:52:12Z"))
        #expect(message.message.hasPrefix("1990 Oct 22"))
    }

    @Test func tagWithAndWithoutPID() throws {
        let withPID = try parse("<38>Nov 29 04:59:58 web-1 sshd[1234]: Accepted publickey")
        #expect(withPID.appName == "sshd")
        #expect(withPID.procID == "1234")
        #expect(withPID.message == "Accepted publickey")
        let withoutPID = try parse("<38>Nov 29 04:59:58 web-1 cron: job done")
        #expect(withoutPID.appName == "cron")
        #expect(withoutPID.procID == nil)
        #expect(withoutPID.hostname == "web-1")
        #expect(try parse("<38>Nov 29 04:59:58 web-1 cron:").appName == "cron")
        #expect(try parse("<38>Nov 29 04:59:58 web-1 not:a tag").message == "not:a tag")
    }

    @Test func withoutAHostname() throws {
        let message = try parse("<13>Nov 29 04:59:58 myapp[12]: hello")
        #expect(message.hostname == nil)
        #expect(message.appName == "myapp")
        #expect(message.procID == "12")
        #expect(message.message == "hello")
        #expect(try parse("<13>Nov 29 04:59:58 myapp: hello").hostname == nil)
    }

    @Test func withoutATimestamp() throws {
        let tagged = try parse("<11>myapp[7]: disk full on /var")
        #expect(tagged.timestamp == nil)
        #expect(tagged.hostname == nil)
        #expect(tagged.appName == "myapp")
        #expect(tagged.procID == "7")
        #expect(tagged.message == "disk full on /var")
        let bare = try parse("<11>disk full on /var")
        #expect(bare.appName == nil)
        #expect(bare.message == "disk full on /var")
        #expect(try parse("<11>").message == "")
    }

    @Test func dayPaddedWithASpaceOrAZero() throws {
        #expect(try parse("<13>Nov  9 04:00:00 h a: x").timestamp == RFC3339.parse("2026-11-09T04:00:00Z"))
        #expect(try parse("<13>Nov 09 04:00:00 h a: x").timestamp == RFC3339.parse("2026-11-09T04:00:00Z"))
    }

    @Test func theYearComesFromReceiptOrTheYearBefore() throws {
        let newYear = RFC3339.parse("2027-01-01T00:30:00Z")!
        #expect(try parse("<13>Dec 31 23:59:30 h a: x", receivedAt: newYear).timestamp == RFC3339.parse("2026-12-31T23:59:30Z"))
        #expect(try parse("<13>Jan  1 00:29:00 h a: x", receivedAt: newYear).timestamp == RFC3339.parse("2027-01-01T00:29:00Z"))
        // A clock running ahead by less than a day keeps the year; more than a day, the year before.
        #expect(try parse("<13>Nov 29 23:00:00 h a: x").timestamp == RFC3339.parse("2026-11-29T23:00:00Z"))
        #expect(try parse("<13>Nov 30 05:00:00 h a: x").timestamp == RFC3339.parse("2026-11-30T05:00:00Z"))
        #expect(try parse("<13>Nov 30 05:00:01 h a: x").timestamp == RFC3339.parse("2025-11-30T05:00:01Z"))
    }

    @Test func rfc3339TimestampsAsRsyslogForwardsThem() throws {
        let message = try parse("<13>2026-11-29T04:59:58.123456+01:00 web-1 app[3]: hi")
        #expect(message.timestamp == RFC3339.parse("2026-11-29T03:59:58.123Z"))
        #expect(message.hostname == "web-1")
        #expect(message.appName == "app")
    }

    @Test func hostnameLimit() {
        let host = String(repeating: "h", count: 256)
        #expect(throws: CodecError.tooLong("hostname", limit: 255)) { try parse("<13>Nov 29 04:00:00 \(host) a: x") }
    }

    @Test func monthsAreCaseInsensitive() throws {
        #expect(try parse("<13>NOV 29 04:00:00 h a: x").timestamp == RFC3339.parse("2026-11-29T04:00:00Z"))
    }
}
