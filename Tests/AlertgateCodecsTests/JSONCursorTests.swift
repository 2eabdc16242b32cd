@testable import AlertgateCodecs
import Foundation
import Testing

/// `JSONCursor.skipValue()` steps over what `JSONParser` would build a tree of: it must
/// accept and refuse the same texts, with the same errors, or a reader that skips would
/// let through what the parser refuses.
@Suite struct JSONCursorTests {
    static func skipped(_ bytes: [UInt8]) -> Result<Void, CodecError> {
        bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(CodecError) in try JSONCursor.read(buffer, maxDepth: JSONValue.maxDepth) { cursor throws(CodecError) in try cursor.skipValue() } }
        }
    }

    static func parsed(_ bytes: [UInt8]) -> Result<Void, CodecError> {
        Result { () throws(CodecError) in _ = try JSONValue.parse(bytes) }
    }

    static func sameOutcome(_ bytes: [UInt8]) -> Bool {
        switch (skipped(bytes), parsed(bytes)) {
        case (.success, .success): true
        case (.failure(let skipped), .failure(let parsed)): skipped == parsed
        default: false
        }
    }

    @Test func skippingRefusesWhatParsingRefuses() {
        for text in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "1e", "-", "tru", "nul", "\"abc", "\"a\u{1}b\"", #""\x""#, #""\u12""#,
                     #""\uD83D""#, #""\uDE00""#, #""\uD83D\u0041""#, "{} {}", "{'a': 1}", "1e999", "[1 2]", #"{"a" 1}"#, #"{1: 2}"#,
                     String(repeating: "[", count: 33) + String(repeating: "]", count: 33), String(repeating: "[", count: 32) + String(repeating: "]", count: 32),
                     #"{"k\u0041": [true, false, null, -0.5e+3, "é😀\n"]}"#] {
            #expect(Self.sameOutcome(Array(text.utf8)), "\(text)")
        }
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x7B, 0xFF, 0x7D], [0x22, 0x5C, 0x6E, 0xC3, 0x22], [0x22, 0xC3, 0x5C, 0x6E, 0xA9, 0x22]] {
            #expect(Self.sameOutcome(bytes), "\(bytes)")
        }
    }

    /// Every JSON fixture, a few bytes changed at a time.
    @Test(arguments: 0..<1) func skippingAgreesWithParsingOnMutatedFixtures(seed: UInt64) throws {
        let root = GoldenFixtureTests.root
        let files = (FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        let bodies = try files.map { [UInt8](try Data(contentsOf: root.appendingPathComponent($0))) }.filter { $0.count < 16384 }
        #expect(bodies.count >= 20)
        var random = BodyMutator(seed: seed)
        var failures = 0
        for _ in 0..<1000 where failures < 5 {
            let body = random.mutate(random.pick(bodies))
            if !Self.sameOutcome(body) {
                failures += 1
                Issue.record("skipped: \(Self.skipped(body)), parsed: \(Self.parsed(body))\nbody: \(String(decoding: body, as: UTF8.self))")
            }
        }
    }

    /// A string with escapes is valid when its decoded text is, whichever raw bytes stand
    /// between the escapes: held to the standard library's check of the decoded bytes.
    @Test func escapedStringsAreCheckedAsTheirText() {
        var random = BodyMutator(seed: 7)
        let raw: [[UInt8]] = [[0x41], [0xC3, 0xA9], [0xC3], [0xA9], [0xE4, 0xB8, 0xAD], [0xE4, 0xB8], [0xF0, 0x9F, 0x98, 0x80], [0xF0, 0x9F],
                              [0xED, 0xA0, 0x80], [0xFF], [0x80]]
        let escapes: [(String, [UInt8])] = [(#"\n"#, [0x0A]), (#"\u00e9"#, [0xC3, 0xA9]), (#"\uD83D\uDE00"#, [0xF0, 0x9F, 0x98, 0x80]),
                                            (#"\u0041"#, [0x41]), (#"\/"#, [0x2F])]
        for _ in 0..<3000 {
            var body: [UInt8] = [0x22]
            var text: [UInt8] = []
            for _ in 0..<random.below(6) {
                if random.below(2) == 0 {
                    let bytes = random.pick(raw)
                    body += bytes
                    text += bytes
                } else {
                    let (escape, decoded) = random.pick(escapes)
                    body += Array(escape.utf8)
                    text += decoded
                }
            }
            body.append(0x22)
            let expected = String(validating: text, as: UTF8.self).map(JSONValue.string)
            #expect((try? JSONValue.parse(body)) == expected, "\(body)")
            #expect(Self.sameOutcome(body), "\(body)")
        }
    }

    /// The check of skipped strings agrees with the standard library's on every two-byte
    /// sequence and on sequences of the bytes where UTF-8's rules are drawn.
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        func agrees(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBufferPointer { JSONCursor.isValidUTF8($0) == (String(validating: $0, as: UTF8.self) != nil) }
        }
        var disagreements: [[UInt8]] = []
        for first in 0...255 {
            for second in 0...255 where !agrees([UInt8(first), UInt8(second)]) { disagreements.append([UInt8(first), UInt8(second)]) }
        }
        let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
                              0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        // Every triple of edges, and every quadruple of the bytes that start or bound the
        // multi-byte forms: thorough, and quick enough in a debug build not to hold up the
        // suite's other tests (which share the test process's threads).
        for a in edges {
            for b in edges {
                for c in edges where !agrees([a, b, c]) { disagreements.append([a, b, c]) }
            }
        }
        let leads: [UInt8] = [0x41, 0x80, 0x9F, 0xA0, 0xBF, 0xC2, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5]
        for a in leads {
            for b in leads {
                for c in leads {
                    for d in leads where !agrees([a, b, c, d]) { disagreements.append([a, b, c, d]) }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }
}
