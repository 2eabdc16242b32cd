import AlertgateCodecs
import AlertgateCore
import Testing

/// Syslog messages as log signals.
@Suite struct SyslogCodecTests {
    static let receivedAt = RFC3339.parse("2026-11-29T05:00:00.000Z")!

    func decode(_ text: String, services: [String: String] = [:]) throws(CodecError) -> Signal {
        try SyslogCodec(services: services).decode(Array(text.utf8), receivedAt: Self.receivedAt)
    }

    @Test func rfc5424Fields() throws {
        let signal = try decode(#"<11>1 2026-11-29T04:59:58.250+00:00 web-1 checkout 4242 ORD [timeQuality tzKnown="1" isSynced="0"][order@1 id="88121"] Connection refused to 10.0.0.5:5432"#)
        #expect(signal.kind == .log)
        #expect(signal.source == .syslog)
        #expect(signal.status == .firing)
        #expect(signal.severity == .error)
        #expect(signal.service == "checkout")
        #expect(signal.title == "Connection refused to 10.0.0.5:5432")
        #expect(signal.description == nil)
        #expect(signal.occurredAt == RFC3339.parse("2026-11-29T04:59:58.250Z"))
        #expect(signal.sender == "web-1")
        #expect(signal.labels == [
            "host": "web-1", "app": "checkout", "facility": "user", "level": "3", "procid": "4242", "msgid": "ORD",
            "sd.timeQuality.tzKnown": "1", "sd.timeQuality.isSynced": "0", "sd.order@1.id": "88121",
        ])
    }

    @Test func rfc3164Fields() throws {
        let signal = try decode("<132>Nov 29 04:59:58 lb-2 nginx[77]: upstream timed out")
        #expect(signal.severity == .warning)
        #expect(signal.service == "nginx")
        #expect(signal.labels == ["host": "lb-2", "app": "nginx", "facility": "local0", "level": "4", "procid": "77"])
        #expect(signal.occurredAt == RFC3339.parse("2026-11-29T04:59:58Z"))
    }

    @Test func levelsMapToSeverities() {
        #expect((0...7).map(SyslogCodec.severity(level:)) == [.critical, .critical, .critical, .error, .warning, .info, .info, .info])
    }

    @Test func serviceMappingPrefersTheAppThenTheHost() throws {
        let services = ["checkout": "shop", "web-1": "frontend"]
        #expect(try decode("<11>1 - web-1 checkout - - - x", services: services).service == "shop")
        #expect(try decode("<11>1 - web-1 other - - - x", services: services).service == "frontend")
        #expect(try decode("<11>1 - web-9 other - - - x", services: services).service == "other")
        #expect(try decode("<11>1 - web-1 - - - - x", services: services).service == "frontend")
        #expect(try decode("<11>1 - web-2 - - - - x", services: services).service == "web-2")
        #expect(try decode("<11>1 - - - - - - x", services: services).service == "unknown")
        #expect(try decode("<11>1 - web-1 - - - - x").labels["app"] == "-")
        #expect(try decode("<11>1 - - - - - - x").labels["host"] == "-")
    }

    @Test func titleIsTheFirstLineAndDescriptionTheWholeMessage() throws {
        let multiline = try decode("<11>1 - h app - - - panic: nil map\ngoroutine 1 [running]:\nmain.main()")
        #expect(multiline.title == "panic: nil map")
        #expect(multiline.description == "panic: nil map\ngoroutine 1 [running]:\nmain.main()")

        let long = String(repeating: "é", count: 700)
        let truncated = try decode("<11>1 - h app - - - \(long)")
        #expect(truncated.title.utf8.count == 1024)
        #expect(truncated.title == String(repeating: "é", count: 512))
        #expect(truncated.description == long)

        #expect(try decode("<11>1 - h app - - -   padded  ").title == "padded")
        #expect(try decode("<11>1 - h app - - -   padded  ").description == nil)
        #expect(try decode("<11>1 - h app - - -").title == "app syslog message")
        #expect(try decode("<11>1 - h app - - -").description == nil)
        #expect(try decode("<11>1 - h - - - -  ").title == "h syslog message")
    }

    @Test func atMost32Labels() throws {
        let params = (0..<40).map { "p\($0)=\"v\($0)\"" }.joined(separator: " ")
        let signal = try decode("<11>1 - h app 1 m [big@1 \(params)] x")
        #expect(signal.labels.count == 32)
        #expect(signal.labels["host"] == "h")
        #expect(signal.labels["msgid"] == "m")
        #expect(signal.labels["sd.big@1.p0"] == "v0")
        #expect(signal.labels["sd.big@1.p39"] == nil)
    }

    @Test func repeatsWithOtherNumbersShareAFingerprint() throws {
        let one = try decode("<11>1 2026-11-29T04:59:58Z web-1 checkout 4242 - - timeout after 1503ms for order 88121")
        let two = try decode("<11>1 2026-11-29T04:59:59Z web-1 checkout 4243 - - timeout after 97ms for order 4")
        let bsd = try decode("<11>Nov 29 04:59:59 web-1 checkout[4244]: timeout after 12ms for order 7")
        #expect(Fingerprint.of(one) == Fingerprint.of(two))
        #expect(Fingerprint.of(one) == Fingerprint.of(bsd))
        let otherText = try decode("<11>1 - web-1 checkout - - - disk full")
        let otherHost = try decode("<11>1 - web-2 checkout - - - timeout after 5ms for order 1")
        let otherApp = try decode("<11>1 - web-1 billing - - - timeout after 5ms for order 1")
        #expect(Fingerprint.of(one) != Fingerprint.of(otherText))
        #expect(Fingerprint.of(one) != Fingerprint.of(otherHost))
        #expect(Fingerprint.of(one) != Fingerprint.of(otherApp))
    }

    @Test(arguments: SyslogFixtures.names())
    func capturedFixturesBecomeSignals(_ name: String) throws {
        let capture = try SyslogFixtures.load(name)
        let message = try SyslogParser.parse(capture.bytes, receivedAt: capture.receivedAt)
        let signal = try SyslogCodec().decode(capture.bytes, receivedAt: capture.receivedAt)
        #expect(signal.service == message.appName ?? message.hostname ?? "unknown")
        #expect(signal.title == message.message)
        #expect(signal.occurredAt == message.timestamp)
        #expect(signal.labels["facility"] == message.facility.name)
        #expect(signal.labels["level"] == String(message.severity))
        #expect(signal.severity == SyslogCodec.severity(level: message.severity))
    }

    @Test func decodeReportsParserErrors() {
        #expect(throws: CodecError.self) { try decode("no pri") }
        do { _ = try decode("<13>1 - h a - - [broken"); Issue.record("accepted") } catch {
            #expect(error.field == "structured_data")
        }
    }

    /// The title is the message up to its first line break, whichever of LF, CR, VT, FF, NEL,
    /// LS or PS it is; the description keeps the whole text.
    @Test(arguments: ["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"])
    func theTitleEndsAtTheFirstLineBreak(breaking: String) throws {
        let datagram = Array("<11>1 2026-12-01T22:00:00Z web-01 billing - - - disk é full\(breaking)second line".utf8)
        let signal = try SyslogCodec().decode(datagram, receivedAt: Timestamp(milliseconds: 0))
        #expect(signal.title == "disk é full")
        #expect(signal.description == "disk é full\(breaking)second line")
        let single = try SyslogCodec().decode(Array("<11>1 2026-12-01T22:00:00Z web-01 billing - - - disk é full".utf8), receivedAt: Timestamp(milliseconds: 0))
        #expect(single.title == "disk é full" && single.description == nil)
    }
}
