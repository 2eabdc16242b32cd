import AlertgateCodecs
import AlertgateCore
import Testing

/// Hand-written syslog datagrams: RFC 5424's and RFC 3164's own examples, escapes, nil
/// values, limits, and errors that name the part to fix.
@Suite struct SyslogParserTests {
    static let bom = "\u{FEFF}"
    static let receivedAt = RFC3339.parse("2026-11-29T05:00:00.000Z")!

    func parse(_ text: String, receivedAt: Timestamp = receivedAt) throws(CodecError) -> SyslogMessage {
        try SyslogParser.parse(Array(text.utf8), receivedAt: receivedAt)
    }

    func errorField(_ text: String) -> String? {
        errorField(Array(text.utf8))
    }

    func errorField(_ bytes: [UInt8]) -> String? {
        do { _ = try SyslogParser.parse(bytes, receivedAt: Self.receivedAt); return "accepted" } catch { return error.field }
    }

    // MARK: RFC 5424, section 6.5

    @Test func rfc5424Example1WithBOMAndNoStructuredData() throws {
        let message = try parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \(Self.bom)'su root' failed for lonvick on /dev/pts/8")
        #expect(message == SyslogMessage(
            facility: .auth, severity: 2, version: 1, timestamp: RFC3339.parse("2003-10-11T22:14:15.003Z"),
            hostname: "mymachine.example.com", appName: "su", msgID: "ID47",
            message: "'su root' failed for lonvick on /dev/pts/8", format: .rfc5424))
    }

    @Test func rfc5424Example2WithOffsetAndMicroseconds() throws {
        let message = try parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.")
        #expect(message.facility == .local4)
        #expect(message.severity == 5)
        #expect(message.timestamp == RFC3339.parse("2003-08-24T12:14:15.000Z"))
        #expect(message.hostname == "192.0.2.1")
        #expect(message.appName == "myproc")
        #expect(message.procID == "8710")
        #expect(message.msgID == nil)
        #expect(message.structuredData.isEmpty)
        #expect(message.message == "%% It's time to make the do-nuts.")
    }

    @Test func rfc5424Example3WithStructuredDataAndMessage() throws {
        let message = try parse(#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] "# + Self.bom + "An application event log entry...")
        #expect(message.appName == "evntslog")
        #expect(message.structuredData == [.init(id: "exampleSDID@32473", params: [("iut", "3"), ("eventSource", "Application"), ("eventID", "1011")])])
        #expect(message.message == "An application event log entry...")
    }

    @Test func rfc5424Example4WithTwoElementsAndNoMessage() throws {
        let message = try parse(#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]"#)
        #expect(message.structuredData.map(\.id) == ["exampleSDID@32473", "examplePriority@32473"])
        #expect(message.structuredData[1].value(of: "class") == "high")
        #expect(message.message == "")
    }

    @Test func rfc5424TimestampsFromSection6_2_3() throws {
        func time(_ text: String) throws(CodecError) -> Timestamp? {
            try parse("<13>1 \(text) h a - - -").timestamp
        }
        #expect(try time("1985-04-12T23:20:50.52Z") == Timestamp(milliseconds: 482_196_050_520))
        #expect(try time("1985-04-12T19:20:50.52-04:00") == Timestamp(milliseconds: 482_196_050_520))
        #expect(try time("2003-10-11T22:14:15.003Z") == RFC3339.parse("2003-10-11T22:14:15.003Z"))
        #expect(try time("2003-10-11T22:14:15.003+00:00") == RFC3339.parse("2003-10-11T22:14:15.003Z"))
        #expect(try time("2003-10-11T22:14:15Z") == RFC3339.parse("2003-10-11T22:14:15.000Z"))
        #expect(try time("-") == nil)
        #expect(errorField("<13>1 1990-12-31T23:59:60Z h a - - -") == "timestamp")
        #expect(errorField("<13>1 2003-08-24T05:14:15.000000003-07:00 h a - - -") == "timestamp")
        #expect(errorField("<13>1 2003-10-11 h a - - -") == "timestamp")
        #expect(errorField("<13>1 yesterday h a - - -") == "timestamp")
    }

    @Test func nilValuesEverywhere() throws {
        let message = try parse("<13>1 - - - - - -")
        #expect(message == SyslogMessage(facility: .user, severity: 5, version: 1, message: "", format: .rfc5424))
        #expect(try parse("<13>1 - - - - - - ").message == "")
    }

    @Test func escapesInParamValues() throws {
        let message = try parse(#"<13>1 - h a - - [x@1 q="a\"b" s="c\\d" b="e\]f" other="g\nh" empty=""][y@1] msg"#)
        #expect(message.structuredData == [
            .init(id: "x@1", params: [("q", #"a"b"#), ("s", #"c\d"#), ("b", "e]f"), ("other", #"g\nh"#), ("empty", "")]),
            .init(id: "y@1"),
        ])
        #expect(message.message == "msg")
    }

    @Test func bomIsStrippedAndInvalidUTF8Replaced() throws {
        var bytes = Array("<13>1 - h a - - - ".utf8) + [0xEF, 0xBB, 0xBF] + Array("ok ".utf8) + [0xC3, 0x28, 0xFF] + Array(" end".utf8)
        #expect(try SyslogParser.parse(bytes, receivedAt: Self.receivedAt).message == "ok \u{FFFD}(\u{FFFD} end")
        bytes = Array("<13>1 - h a - - - ".utf8) + [0xEF, 0xBB]
        #expect(try SyslogParser.parse(bytes, receivedAt: Self.receivedAt).message == "\u{FFFD}")
    }

    @Test func trailingNewlinesAndNULsAreTrimmed() throws {
        #expect(try parse("<13>1 - h a - - - hello\n").message == "hello")
        #expect(try parse("<13>1 - h a - - - hello\r\n").message == "hello")
        #expect(try parse("<13>1 - h a - - - hello\0").message == "hello")
        #expect(try parse("<13>Nov 29 04:00:00 h app: hello\n").message == "hello")
        #expect(try parse("<13>1 - h a - - - two\nlines\n").message == "two\nlines")
    }

    @Test func fieldLimits() throws {
        func header(host: Int = 1, app: Int = 1, procID: Int = 1, msgID: Int = 1) -> String {
            "<13>1 - \(String(repeating: "h", count: host)) \(String(repeating: "a", count: app)) \(String(repeating: "p", count: procID)) \(String(repeating: "m", count: msgID)) - text"
        }
        let longest = try parse(header(host: 255, app: 48, procID: 128, msgID: 32))
        #expect(longest.hostname?.count == 255)
        #expect(longest.appName?.count == 48)
        #expect(longest.procID?.count == 128)
        #expect(longest.msgID?.count == 32)
        #expect(errorField(header(host: 256)) == "hostname")
        #expect(errorField(header(app: 49)) == "app_name")
        #expect(errorField(header(procID: 129)) == "procid")
        #expect(errorField(header(msgID: 33)) == "msgid")
        #expect(errorField("<13>1 - h a - - [\(String(repeating: "i", count: 33))]") == "structured_data")
    }

    @Test func datagramsUpTo64KiB() throws {
        let head = Array("<13>1 - h a - - - ".utf8)
        let full = head + [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024 - head.count)
        #expect(try SyslogParser.parse(full, receivedAt: Self.receivedAt).message.utf8.count == 64 * 1024 - head.count)
        #expect(errorField(full + [UInt8(ascii: "x")]) == "datagram")
    }

    @Test func priorities() throws {
        #expect(try parse("<0>1 - - - - - -").priority == 0)
        #expect(try parse("<191>1 - - - - - -").facility == .local7)
        #expect(try parse("<191>1 - - - - - -").severity == 7)
        for bad in ["", "13>1 - - - - - -", "<>1 - - - - - -", "<192>1 - - - - - -", "<1000>x", "<13", "<1a>x", "<-1>x", " <13>x"] {
            #expect(errorField(bad) == "pri", "\(bad)")
        }
    }

    @Test func errorsNameTheField() {
        #expect(errorField("<13>1 ") == "timestamp")
        #expect((try? parse("<13>1"))?.message == "1", "without the space after it, 1 is a BSD message")
        #expect(errorField("<13>1 -") == "hostname")
        #expect(errorField("<13>1 - h") == "app_name")
        #expect(errorField("<13>1 - h a") == "procid")
        #expect(errorField("<13>1 - h a -") == "msgid")
        #expect(errorField("<13>1 - h a - -") == "structured_data")
        #expect(errorField("<13>1 - h a - - x") == "structured_data")
        #expect(errorField("<13>1 -  a - - -") == "hostname")
        #expect(errorField("<13>1 - h\u{7F} a - - -") == "hostname")
        #expect(errorField("<13>1 - h a - - -x") == "structured_data")
        #expect(errorField(#"<13>1 - h a - - [x@1 a="b]"#) == "structured_data")
        #expect(errorField(#"<13>1 - h a - - [x@1 a="b"#) == "structured_data")
        #expect(errorField(#"<13>1 - h a - - [x@1 a=b]"#) == "structured_data")
        #expect(errorField(#"<13>1 - h a - - [x@1 ="b"]"#) == "structured_data")
        #expect(errorField(#"<13>1 - h a - - [x@1]msg"#) == "structured_data")
        #expect(errorField("<13>Nov 99 04:00:00 h app: x") == "timestamp")
        #expect(errorField("<13>Nov 29 4:00:00 h app: x") == "timestamp")
        #expect(errorField("<13>Feb 30 04:00:00 h app: x") == "timestamp")
        #expect(errorField("<13>2026-13-01T00:00:00Z h app: x") == "timestamp")
    }
}
