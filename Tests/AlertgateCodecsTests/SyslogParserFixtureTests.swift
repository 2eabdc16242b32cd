import AlertgateCodecs
import AlertgateCore
import Testing

/// Every datagram captured from util-linux `logger` parses to the fields its command asked for.
@Suite struct SyslogParserFixtureTests {
    static let severities = ["emerg": 0, "alert": 1, "crit": 2, "err": 3, "warning": 4, "notice": 5, "info": 6, "debug": 7]

    /// What `logger` was told to send, read back from the recorded command line.
    struct Expected {
        var format: SyslogMessage.Format = .rfc3164
        var facility = SyslogFacility.user
        var severity = 5
        var tag: String?
        var procID: String?
        var msgID: String?
        var hostname = true
        var timeQuality = true
        var sdID: String?
        var sdParams: [String] = []
        var message = ""

        init(_ command: [String]) throws {
            var i = 1
            while i < command.count {
                let arg = command[i]
                let next = i + 1 < command.count ? command[i + 1] : ""
                switch arg {
                case "--": message = command[(i + 1)...].joined(separator: " "); i = command.count
                case "-p":
                    let parts = next.split(separator: ".").map(String.init)
                    facility = try #require(SyslogFacility(name: parts[0]))
                    severity = try #require(SyslogParserFixtureTests.severities[parts[1]])
                case "-t": tag = next == "-" ? nil : next
                case "--msgid": msgID = next
                case "--sd-id": sdID = next
                case "--sd-param": sdParams.append(next)
                case "--rfc3164": format = .rfc3164
                default:
                    if arg.hasPrefix("--rfc5424") {
                        format = .rfc5424
                        hostname = !arg.contains("nohost")
                        timeQuality = !arg.contains("notq")
                    } else if arg.hasPrefix("--id=") {
                        procID = String(arg.dropFirst(5))
                    }
                }
                if ["-p", "-t", "--msgid", "--sd-id", "--sd-param", "-n", "-P"].contains(arg) { i += 1 }
                i += 1
            }
        }
    }

    @Test func thereAreCapturedFixtures() {
        let names = SyslogFixtures.names()
        #expect(names.filter { $0.hasPrefix("rfc5424") }.count >= 4)
        #expect(names.filter { $0.hasPrefix("rfc3164") }.count >= 2)
    }

    @Test(arguments: SyslogFixtures.names())
    func parsesWithTheFieldsLoggerWasGiven(_ name: String) throws {
        let capture = try SyslogFixtures.load(name)
        let expected = try Expected(capture.command)
        let message = try SyslogParser.parse(capture.bytes, receivedAt: capture.receivedAt)
        #expect(message.format == expected.format)
        #expect(message.facility == expected.facility)
        #expect(message.severity == expected.severity)
        #expect(message.appName == expected.tag)
        #expect(message.procID == expected.procID)
        #expect(message.msgID == expected.msgID)
        #expect(message.message == expected.message)
        #expect((message.hostname != nil) == expected.hostname)
        #expect(message.version == (expected.format == .rfc5424 ? 1 : nil))
        #expect(SyslogCodec.level(of: capture.bytes) == expected.severity)

        // logger stamps the time it sends; RFC 3164 keeps whole seconds only.
        let sent = try #require(message.timestamp)
        let slack: Int64 = expected.format == .rfc5424 ? 1_000 : 2_000
        #expect(abs(capture.receivedAt.milliseconds - sent.milliseconds) < slack)

        var elements = message.structuredData
        if expected.format == .rfc5424, expected.timeQuality {
            let timeQuality = try #require(elements.first)
            #expect(timeQuality.id == "timeQuality")
            #expect(timeQuality.value(of: "tzKnown") == "1")
            elements.removeFirst()
        }
        if let sdID = expected.sdID {
            let element = try #require(elements.first)
            #expect(element.id == sdID)
            #expect(element.params.map(\.name) == expected.sdParams.map { String($0.prefix(while: { $0 != "=" })) })
            elements.removeFirst()
        }
        #expect(elements.isEmpty)
    }

    @Test func structuredDataValuesAreUnescaped() throws {
        let capture = try SyslogFixtures.load("rfc5424-sd-escapes")
        let message = try SyslogParser.parse(capture.bytes, receivedAt: capture.receivedAt)
        #expect(message.structuredData.last == .init(id: "quote@32473", params: [("text", #"say "hi" \ then ] end"#)]))
    }

    @Test func structuredDataValuesWithoutEscapesKeepTheirText() throws {
        let capture = try SyslogFixtures.load("rfc5424-structured-data")
        let message = try SyslogParser.parse(capture.bytes, receivedAt: capture.receivedAt)
        #expect(message.structuredData.last == .init(
            id: "exampleSDID@32473", params: [("iut", "3"), ("eventSource", "Application"), ("eventID", "1011")]))
    }

    @Test func utf8MessagesKeepTheirCharacters() throws {
        for name in ["rfc5424-utf8", "rfc3164-utf8"] {
            let capture = try SyslogFixtures.load(name)
            let message = try SyslogParser.parse(capture.bytes, receivedAt: capture.receivedAt)
            #expect(message.message.hasPrefix("Überweisung fehlgeschlagen für Kunde 17"))
            #expect(!message.message.contains("\u{FFFD}"))
        }
    }
}
