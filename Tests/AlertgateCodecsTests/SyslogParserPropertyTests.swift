import AlertgateCodecs
import AlertgateCore
import AlertgateTesting
import Testing

/// Whatever arrives on the syslog port, the parser answers with a message or a CodecError:
/// random bytes, every truncation of valid datagrams, every single bit flip. It never traps.
@Suite struct SyslogParserPropertyTests {
    static let receivedAt = RFC3339.parse("2026-11-29T05:00:00.000Z")!

    static let handWritten = [
        #"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] "# + "\u{FEFF}An application event log entry",
        #"<13>1 2003-08-24T05:14:15.000003-07:00 h a 1 m [x@1 q="a\"b\\c\]d"] text"#,
        "<34>Oct 11 22:14:15 mymachine su[12]: 'su root' failed for lonvick on /dev/pts/8",
        "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!",
        "<13>2026-11-29T04:59:58.123456+01:00 web-1 app[3]: hi",
        "<11>myapp[7]: disk full on /var",
    ].map { Array($0.utf8) }

    static func valid() throws -> [[UInt8]] {
        try SyslogFixtures.all().map(\.bytes) + handWritten
    }

    /// Parses and checks what must hold of any answer; the type of `parse` already says that
    /// the only error it can throw is a CodecError.
    func check(_ bytes: [UInt8]) {
        let level = SyslogCodec.level(of: bytes)
        let key = SyslogCodec.repeatKey(of: bytes)
        do {
            let message = try SyslogParser.parse(bytes, receivedAt: Self.receivedAt)
            #expect(level == message.severity)
            if let key {
                // A key read from the bytes is the decoded signal's own fingerprint and severity.
                #expect(Fingerprint.of(SyslogCodec().signal(from: message)).hashValue64 == key.hash)
                #expect(key.level == message.severity)
            }
            #expect((0...191).contains(message.priority))
            #expect(message.hostname.map { $0.utf8.count <= 255 } ?? true)
            #expect(message.appName.map { $0.utf8.count <= 48 } ?? true)
            let signal = SyslogCodec().signal(from: message)
            #expect(signal.labels.count <= SyslogCodec.maxLabels)
            #expect(signal.title.utf8.count <= SyslogCodec.maxTitleBytes)
            #expect(!signal.title.isEmpty)
            _ = Fingerprint.of(signal)
        } catch {
            #expect(error.field != nil, "\(error)")
            #expect(key == nil, "a datagram the parser refuses has no repeat key")
        }
    }

    @Test func validDatagramsParse() throws {
        for bytes in try Self.valid() {
            #expect(throws: Never.self) { try SyslogParser.parse(bytes, receivedAt: Self.receivedAt) }
        }
    }

    @Test func randomBytes() {
        var random = SeededGenerator(seed: 5424)
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...300, using: &random)
            check((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    @Test func randomBytesFromTheSyslogAlphabet() {
        var random = SeededGenerator(seed: 3164)
        let alphabet = Array(#"<>[]"\= -:.T+Z0123456789aNovJanFeb@"#.utf8) + [0x0A, 0x00, 0xEF, 0xBB, 0xBF, 0xC3]
        let prefixes = ["<13>1 ", "<13>1 - h a - - ", "<13>1 - h a - - [x@1 ", "<13>Nov 29 ", "<13>Nov 29 04:00:00 ", "<13>2026-"]
        for _ in 0..<5_000 {
            let prefix = Array(prefixes.randomElement(using: &random)!.utf8)
            let count = Int.random(in: 0...60, using: &random)
            check(prefix + (0..<count).map { _ in alphabet.randomElement(using: &random)! })
        }
    }

    @Test func everyTruncation() throws {
        for bytes in try Self.valid() {
            for end in 0...bytes.count {
                check(Array(bytes[..<end]))
            }
        }
    }

    @Test func everySingleBitFlip() throws {
        for bytes in try Self.valid() {
            for index in bytes.indices {
                for bit in 0..<8 {
                    var flipped = bytes
                    flipped[index] ^= 1 << bit
                    check(flipped)
                }
            }
        }
    }

    @Test func levelAgreesWithTheParserOnEveryPRI() throws {
        for priority in 0...191 {
            let bytes = Array("<\(priority)>1 - - - - - -".utf8)
            #expect(SyslogCodec.level(of: bytes) == priority % 8)
            #expect(try SyslogParser.parse(bytes, receivedAt: Self.receivedAt).priority == priority)
        }
        for bad in ["", "<", "<192>", "<1234>", "<a>", "13>", "<13"] {
            #expect(SyslogCodec.level(of: Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
