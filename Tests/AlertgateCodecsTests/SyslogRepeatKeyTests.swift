import AlertgateCodecs
import AlertgateCore
import AlertgateTesting
import Testing

/// `SyslogCodec.repeatKey` reads a log line's fingerprint and severity from its bytes: where it
/// answers, it answers what decoding answers; repeats of one line with other numbers share it.
@Suite struct SyslogRepeatKeyTests {
    static let receivedAt = RFC3339.parse("2026-12-02T05:00:00.000Z")!

    static func line(_ text: String, pri: Int = 11, host: String = "web-01", app: String = "billing", proc: String = "4242") -> [UInt8] {
        Array("<\(pri)>1 2026-12-02T04:59:58.\(String(format: "%03d", text.utf8.count % 1000))Z \(host) \(app) \(proc) - - \(text)".utf8)
    }

    func keyAndDecoded(_ bytes: [UInt8]) throws -> (SyslogCodec.RepeatKey?, Signal) {
        (SyslogCodec.repeatKey(of: bytes), try SyslogCodec().decode(bytes, receivedAt: Self.receivedAt))
    }

    @Test func repeatsWithOtherNumbersShareTheKeyOfTheirFingerprint() throws {
        let first = Self.line("request 17 to upstream 10.0.3.4:8443 failed after 120 ms; trace 0af3")
        let second = Self.line("request 9001 to upstream 10.0.9.9:8443 failed after 7 ms; trace 77b1", proc: "17")
        let (key, signal) = try keyAndDecoded(first)
        let found = try #require(key)
        #expect(found.hash == Fingerprint.of(signal).hashValue64)
        #expect(found.level == 3)
        #expect(SyslogCodec.repeatKey(of: second) == found)
    }

    @Test func whatChangesTheFingerprintOrSeverityChangesTheKey() throws {
        let base = SyslogCodec.repeatKey(of: Self.line("disk 93% full"))
        #expect(base != nil)
        for other in [Self.line("disk 93% fool"), Self.line("disk 93% full", pri: 12), Self.line("disk 93% full", host: "web-02"),
                      Self.line("disk 93% full", app: "cron")] {
            #expect(SyslogCodec.repeatKey(of: other) != base)
        }
    }

    /// Texts of whitespace, line breaks, long lines and other bytes: each key is either nil
    /// or the decoded signal's fingerprint and severity.
    @Test func everyKeyIsTheDecodedFingerprint() throws {
        var random = SeededGenerator(seed: 13)
        let pieces = ["  ", "\t", "\n", "\r\n", "\u{0B}", "x", "42", "0xff", "a-1", "é", "\u{2028}", "\u{85}", "\u{A0}", ":", "#",
                      "timeout", "9.5ms", "-", "_", String(repeating: "y", count: 600)]
        var keyed = 0
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let bytes = Self.line(text, pri: Int.random(in: 0...191, using: &random))
            let (key, signal) = try keyAndDecoded(bytes)
            guard let key else { continue }
            keyed += 1
            #expect(key.hash == Fingerprint.of(signal).hashValue64, "\(text.debugDescription)")
            #expect(Severity(syslogLevel: key.level) == signal.severity)
        }
        #expect(keyed > 500, "many of these lines are plain ASCII and keyed")
    }

    @Test func otherShapesAreLeftToTheDecoder() {
        #expect(SyslogCodec.repeatKey(of: Array("<34>Oct 11 22:14:15 mymachine su[12]: 'su root' failed".utf8)) == nil, "RFC 3164")
        #expect(SyslogCodec.repeatKey(of: Array(#"<13>1 - h a - - [x@1 q="v"] text"#.utf8)) == nil, "structured data")
        #expect(SyslogCodec.repeatKey(of: Self.line("caf\u{E9} closed")) == nil, "not ASCII")
        #expect(SyslogCodec.repeatKey(of: Self.line(String(repeating: "z", count: SyslogCodec.maxTitleBytes + 1))) == nil, "a title to cut")
        #expect(SyslogCodec.repeatKey(of: Self.line("   ")) == nil, "a made-up title")
        #expect(SyslogCodec.repeatKey(of: Array("<13>1 2026-13-45T99:00:00Z h a - - - bad time".utf8)) == nil, "refused by the parser")
    }

    @Test func maskedBytesHashAsTheMaskedString() {
        var random = SeededGenerator(seed: 7)
        let alphabet = Array("ab09 -._:#/\t\u{E9}\u{2028}".utf8)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let text = String(decoding: bytes, as: UTF8.self)
            var expected = FNV1a64()
            expected.combine(MessageMask.mask(text))
            var found = FNV1a64()
            var valid = text
            valid.withUTF8 { MessageMask.combineMasked($0, into: &found) }
            #expect(found.value == expected.value, "\(text.debugDescription)")
        }
    }
}
