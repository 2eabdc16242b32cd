@testable import AlertgateCodecs
import AlertgateCore
import Foundation
import Testing

/// `AlertmanagerAPICodec` reads alerts straight from the bytes. These tests hold it to the
/// decoding it replaced, kept here as the reference: the whole body parsed into a `JSONValue`,
/// then each alert read by `AlertmanagerAlertReader`. Same signals, same errors (code, field,
/// message, limit), same refusals of whole bodies, on edge cases, at every limit, and on
/// thousands of generated and mutated bodies.
@Suite struct AlertmanagerDirectReadTests {
    static let receivedAt = RFC3339.parse("2026-11-29T05:02:40.891Z")!

    /// The decoding before the direct reader.
    static func reference(_ body: [UInt8]) throws(CodecError) -> DecodedBatch {
        guard case .array(let items) = try JSONValue.parse(body) else {
            throw CodecError(code: "wrong_type", message: "the body must be a JSON array of alerts")
        }
        guard !items.isEmpty else { throw CodecError(code: "empty_body", message: "the array holds no alerts") }
        guard items.count <= AlertmanagerAPICodec.maxAlerts else {
            throw CodecError(code: "too_many_items", message: "a body may hold at most \(AlertmanagerAPICodec.maxAlerts) alerts, got \(items.count)", limit: "batch_items")
        }
        var batch = DecodedBatch()
        for (index, item) in items.enumerated() {
            do throws(CodecError) {
                batch.signals.append((index, try AlertmanagerAPICodec().signal(from: AlertmanagerAlertReader(item).alert, receivedAt: receivedAt)))
            } catch {
                batch.errors.append(error.at(index))
            }
        }
        return batch
    }

    static func direct(_ body: [UInt8]) throws(CodecError) -> DecodedBatch {
        try AlertmanagerAPICodec().decode(body, receivedAt: receivedAt)
    }

    /// Whether two item errors say the same. Where a map holds several bad entries (or bad
    /// label names), the reference reports one of them in the order of a dictionary, which
    /// changes from run to run: then any of them, for the same map, is the same answer.
    static func same(_ a: CodecError, _ b: CodecError) -> Bool {
        if a == b { return true }
        func map(_ field: String?) -> String? {
            // A webhook's alerts are named from the top: `alerts[3].labels.x`.
            guard let field else { return nil }
            let path = field.hasPrefix("alerts[") ? field.drop { $0 != "." }.dropFirst() : Substring(field)
            return String(path.prefix { $0 != "." && $0 != " " })
        }
        // Entries are checked (too_long, wrong_type) before names (invalid_value).
        func stage(_ code: String) -> Int? { ["too_long": 0, "wrong_type": 0, "invalid_value": 1][code] }
        return a.index == b.index && ["labels", "annotations"].contains(map(a.field)) && map(a.field) == map(b.field)
            && stage(a.code) != nil && stage(a.code) == stage(b.code)
    }

    static func shown(_ body: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self)
        return text.count <= 2000 ? text : "\(text.prefix(2000))... (\(body.count) bytes)"
    }

    /// What differs between the direct decoding of `body` and the reference's, nil if nothing.
    static func difference(_ body: [UInt8]) -> String? {
        difference(Result { () throws(CodecError) in try direct(body) }, Result { () throws(CodecError) in try reference(body) })
    }

    /// What differs between a decoding and the reference's, nil if nothing.
    static func difference(_ decoded: Result<DecodedBatch, CodecError>, _ expected: Result<DecodedBatch, CodecError>) -> String? {
        switch (decoded, expected) {
        case (.success(let mine), .success(let theirs)):
            if mine.signals.map(\.item) != theirs.signals.map(\.item) {
                return "items \(mine.signals.map(\.item)) against \(theirs.signals.map(\.item))"
            }
            for (one, other) in zip(mine.signals, theirs.signals) where one.signal != other.signal {
                return "item \(one.item): \(one.signal) against \(other.signal)"
            }
            if mine.errors.count != theirs.errors.count || !zip(mine.errors, theirs.errors).allSatisfy(same) {
                return "errors \(mine.errors) against \(theirs.errors)"
            }
            return nil
        case (.failure(let mine), .failure(let theirs)):
            return mine == theirs ? nil : "refused with \(mine) against \(theirs)"
        case (.success(let mine), .failure(let theirs)):
            return "decoded \(mine.signals.count) signals and \(mine.errors.count) errors; the reference refused it: \(theirs)"
        case (.failure(let mine), .success(let theirs)):
            return "refused: \(mine); the reference decoded \(theirs.signals.count) signals and \(theirs.errors.count) errors"
        }
    }

    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let difference = difference(Array(text.utf8))
        #expect(difference == nil, "\(text)", sourceLocation: sourceLocation)
    }

    static func batch(_ text: String) throws -> DecodedBatch {
        try direct(Array(text.utf8))
    }

    static func error(_ text: String) -> CodecError? {
        do {
            let batch = try direct(Array(text.utf8))
            return batch.errors.first
        } catch {
            return error
        }
    }

    /// For each item of the body, whether the direct reader took it as it is (else the
    /// reference reader reads it again).
    static func scanned(_ text: String) throws -> [Bool] {
        try Array(text.utf8).withUnsafeBufferPointer { bytes in
            try JSONCursor.read(bytes, maxDepth: JSONValue.maxDepth) { cursor throws(CodecError) in
                var scanner = AlertmanagerAlertScanner()
                var taken: [Bool] = []
                try cursor.array { cursor throws(CodecError) in taken.append(try scanner.read(&cursor) != nil) }
                return taken
            }
        }
    }

    // MARK: - Edge cases

    @Test func theDirectReaderTakesWhatPrometheusSends() throws {
        for name in ["firing-first", "firing-resend", "resolved"] {
            let text = try String(contentsOf: GoldenFixtureTests.root.appendingPathComponent("alertmanager-api/\(name).json"), encoding: .utf8)
            #expect(try Self.scanned(text) == [true], "\(name)")
        }
        // Escapes in values, nulls and numbers among the annotations it does not keep, zero times.
        #expect(try Self.scanned(#"[{"labels": {"alertname": "A\u00e9\uD83D\uDE00", "job": "x\ny"}, "annotations": {"summary": "s\"", "n": 1, "b": true, "z": null, "description": null}, "startsAt": "0001-01-01T00:00:00Z", "endsAt": "", "generatorURL": null, "x": {"y": [1, null, "ü"]}}]"#) == [true])
        // What it leaves to the reference reader.
        #expect(try Self.scanned(#"[{"label\u0073": {"a": "b"}}, {"labels": {"a": 1}}, {"labels": {"a": null}}, {"labels": {"a": "b"}, "labels": {"a": "b"}}, {"labels": {"a": "b"}, "annotations": {"summary": 1}}, {"labels": {"a": "b"}, "startsAt": 1795000000}, {"labels": {"a": "b"}}]"#)
            == [false, false, false, false, false, false, true])
    }

    @Test func readsWhatPrometheusSends() throws {
        for name in ["firing-first", "firing-resend", "resolved"] {
            let url = GoldenFixtureTests.root.appendingPathComponent("alertmanager-api/\(name).json")
            let body = [UInt8](try Data(contentsOf: url))
            #expect(Self.difference(body) == nil, "\(name)")
            #expect(try Self.direct(body).signals.count == 1)
        }
    }

    @Test func escapesAndUnicodeAreDecodedWherever() throws {
        let text = #"[{"label\u0073": {"alertname": "A\u00e9\uD83D\uDE00", "job": "grüße \"x\"\n", "k\u0041": "v"}, "annotations": {"summar\u0079": "S\/", "description": "d\u0026"}, "ends\u0041t": "2026-11-29T05:00:00\u005A", "generatorURL": "h\u0026"}]"#
        Self.expectSame(text)
        let signal = try #require(try Self.batch(text).signals.first?.signal)
        #expect(signal.labels == ["alertname": "Aé😀", "job": "grüße \"x\"\n", "kA": "v"])
        #expect(signal.title == "S/")
        #expect(signal.description == "d&")
        #expect(signal.links == [SignalLink(href: "h&", text: "source")])
        #expect(signal.occurredAt == RFC3339.parse("2026-11-29T05:00:00Z"))
    }

    @Test func duplicateNamesKeepTheLastValue() throws {
        let text = #"[{"labels": {"a": "x"}, "labels": {"alertname": "B", "b": "1", "b": "2"}, "annotations": {"summary": "one", "summary": null, "title": "T", "title": "U"}, "endsAt": "soon", "endsAt": null}]"#
        Self.expectSame(text)
        let signal = try #require(try Self.batch(text).signals.first?.signal)
        #expect(signal.labels == ["alertname": "B", "b": "2"])
        #expect(signal.title == "U")
    }

    @Test func numbersBooleansAndNullsWhereStringsAreExpected() throws {
        Self.expectSame(#"[{"labels": {"alertname": "N", "v": 1.5, "i": -0, "e": 1e2, "big": 12345678901234567890, "b": false, "n": null}, "annotations": {"summary": 3, "other": true, "none": null}}]"#)
        let signal = try #require(try Self.batch(#"[{"labels": {"alertname": "N", "v": 1.5, "i": -0, "b": false, "n": null}, "annotations": {"summary": 3}}]"#).signals.first?.signal)
        #expect(signal.labels == ["alertname": "N", "v": "1.5", "i": "0", "b": "false"])
        #expect(signal.title == "3")
        Self.expectSame(#"[{"labels": {"a": "b"}, "startsAt": 1795000000, "endsAt": 1795000000.5}, {"labels": {"a": "b"}, "startsAt": 0}]"#)
        #expect(Self.error(#"[{"labels": {"a": "b"}, "generatorURL": 5}]"#)?.field == "generatorURL")
        #expect(Self.error(#"[{"labels": {"a": "b"}, "startsAt": true}]"#)?.code == "wrong_type")
        #expect(Self.error(#"[{"labels": {"a": {"b": "c"}}}]"#)?.field == "labels.a")
        #expect(Self.error(#"[{"labels": null}]"#)?.code == "missing_field")
        Self.expectSame(#"[1, "s", null, [], {"labels": "x"}, {"labels": {"a": []}}, {"labels": {"a": "b"}, "annotations": []}, {"labels": {"a": "b"}, "annotations": null}]"#)
    }

    @Test func zeroAndEmptyTimesAreNone() {
        for time in [#""0001-01-01T00:00:00Z""#, #""0001-01-01""#, #""""#, "null", "\"0001-01-01\u{301}\"", #""0001-01-01x""#, #""0001-01-0""#] {
            Self.expectSame(#"[{"labels": {"a": "b"}, "startsAt": \#(time), "endsAt": \#(time)}]"#)
        }
        #expect(Self.error("[{\"labels\": {\"a\": \"b\"}, \"endsAt\": \"0001-01-01\u{301}\"}]")?.field == "endsAt")
    }

    @Test func badUTF8AnywhereRefusesTheBody() {
        let alert = Array(#"[{"labels": {"a": "b"}, "x": "#.utf8)
        for bad: [UInt8] in [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]] {
            for body in [alert + [0x22] + bad + [0x22, 0x7D, 0x5D], alert + [0x22, 0x5C, 0x6E] + bad + [0x5C, 0x6E, 0x22, 0x7D, 0x5D], alert + bad + [0x7D, 0x5D]] {
                #expect(Self.difference(body) == nil, "\(body)")
                #expect(throws: CodecError.invalidUTF8) { try Self.direct(body) }
            }
        }
    }

    @Test func badEscapesInSkippedValuesRefuseTheBodyAsTheParserDoes() {
        for value in [#""\uD83D""#, #""\uDE00""#, #""\uD83D\u0041""#, #""\x""#, #""\u12""#, "\"a\u{1}b\"", #""abc"#, "1e400", "01", "tru", "[1,]", #"{"a" 1}"#] {
            let text = #"[{"labels": {"a": "b"}, "annotations": {"runbook": \#(value)}}]"#
            Self.expectSame(text)
            #expect(Self.error(text)?.code == "invalid_json", "\(value)")
            Self.expectSame(#"[{"labels": {"a": "b"}, "unknown": [\#(value)]}]"#)
        }
    }

    @Test func aBadAlertIsListedAndTheGoodOnesKept() throws {
        let text = #"[{"labels": {}}, {"labels": {"alertname": "ok"}}, {"labels": {"1x": "v"}}, {"labels": {"a": "b"}, "startsAt": "2026-11-29T05:00:00Z", "endsAt": "2026-11-29T04:00:00Z"}, {"labels": {"a": 1.5}, "endsAt": "soon"}, {"labels": {"a": "b"}, "annotations": {"summary": {}}}]"#
        Self.expectSame(text)
        let batch = try Self.batch(text)
        #expect(batch.signals.map(\.item) == [1])
        #expect(batch.errors.map(\.field) == ["labels", "labels.1x", "endsAt", "endsAt", "annotations.summary"])
        #expect(batch.errors.map(\.message) == [
            "`labels` is required", "`labels.1x` is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)", "`endsAt` lies before startsAt",
            "`endsAt` must be an RFC 3339 time such as 2026-11-29T04:00:00Z, got \"soon\"", "`annotations.summary` must be a string, got an object",
        ])
    }

    @Test func aSyntaxErrorAfterGoodAlertsRefusesTheWholeBody() {
        for text in [#"[{"labels": {"a": "b"}}, {"labels": {"a": "b"}}"#, #"[{"labels": {"a": "b"}} {"labels": {}}]"#, #"[{"labels": {"a": "b"}}] x"#, #"{"labels": {"a": "b"}"#, "", "  ", "{}", "[]", "\"x\"", "[1e400]"] {
            Self.expectSame(text)
            #expect(throws: CodecError.self, "\(text)") { try Self.batch(text) }
        }
        #expect(Self.error(#"[{"labels": {"a": "b"}}, {"labels": {"a" "b"}}]"#) == CodecError.invalidJSON("expected ':' after the member name at byte 41"))
    }

    // MARK: - Limits

    @Test func theDepthLimitCountsEveryLevel() {
        func body(_ levels: Int) -> String {
            #"[{"labels": {"a": "b"}, "x": "# + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "}]"
        }
        #expect(Self.error(body(30)) == nil)
        #expect(Self.error(body(31)) == .tooDeep(JSONValue.maxDepth))
        #expect(Self.error(body(31))?.limit == "json_depth")
        Self.expectSame(body(30))
        Self.expectSame(body(31))
    }

    @Test func theItemLimitCountsEveryItem() throws {
        let alert = #"{"labels": {"alertname": "A"}}"#
        let most = "[" + Array(repeating: alert, count: AlertmanagerAPICodec.maxAlerts).joined(separator: ",") + "]"
        #expect(try Self.batch(most).signals.count == AlertmanagerAPICodec.maxAlerts)
        let over = "[" + Array(repeating: alert, count: AlertmanagerAPICodec.maxAlerts + 1).joined(separator: ",") + "]"
        let error = Self.error(over)
        #expect(error?.code == "too_many_items" && error?.limit == "batch_items")
        #expect(error?.message == "a body may hold at most 10000 alerts, got 10001")
        Self.expectSame(over)
        // Over the limit, a syntax error at the end still comes first.
        #expect(Self.error(String(over.dropLast()))?.code == "invalid_json")
    }

    @Test func mapsHoldAtMost128Entries() {
        func entries(_ count: Int, value: String = #""v""#) -> String {
            (0..<count).map { #""l\#($0)": \#(value)"# }.joined(separator: ", ")
        }
        for count in [128, 129] {
            for text in [
                #"[{"labels": {\#(entries(count))}}]"#,
                #"[{"labels": {"a": "b"}, "annotations": {\#(entries(count))}}]"#,
                #"[{"labels": {"a": "b"}, "annotations": {\#(entries(count, value: "null"))}}]"#,
                // Names given twice count once.
                #"[{"labels": {\#(entries(100)), \#(entries(29))}}]"#,
            ] {
                Self.expectSame(text)
            }
            let error = Self.error(#"[{"labels": {\#(entries(count))}}]"#)
            #expect(count == 128 ? error == nil : error?.code == "too_many_entries" && error?.limit == "map_entries" && error?.field == "labels")
        }
    }

    @Test func stringsAndNamesHaveTheirLengthLimits() {
        func text(_ count: Int, escaped: Bool = false) -> String {
            escaped ? String(repeating: #"\u0041"#, count: count / 2) + String(repeating: "b", count: count - count / 2) : String(repeating: "b", count: count)
        }
        for (limit, body) in [
            (4096, { (value: String) in #"[{"labels": {"alertname": "\#(value)"}}]"# }),
            (256, { (value: String) in #"[{"labels": {"\#(value)": "v"}}]"# }),
            (65536, { (value: String) in #"[{"labels": {"a": "b"}, "annotations": {"description": "\#(value)"}}]"# }),
            (65536, { (value: String) in #"[{"labels": {"a": "b"}, "annotations": {"runbook": "\#(value)"}}]"# }),
            (256, { (value: String) in #"[{"labels": {"a": "b"}, "annotations": {"\#(value)": "v"}}]"# }),
            (4096, { (value: String) in #"[{"labels": {"a": "b"}, "generatorURL": "\#(value)"}]"# }),
        ] {
            #expect(Self.error(body(text(limit))) == nil, "\(limit)")
            let over = Self.error(body(text(limit + 1)))
            #expect(over?.code == "too_long" && over?.limit == "string_bytes", "\(limit)")
            for value in [text(limit), text(limit, escaped: true), text(limit + 1), text(limit + 1, escaped: true)] {
                Self.expectSame(body(value))
            }
        }
    }

    // MARK: - Generated and mutated bodies

    /// Alerts put together from the members' edge values, in any order, some given twice.
    /// (Bounded so that, in a debug build, they do not hold for long the threads the live tests
    /// of the same process share; `scripts/fuzz` runs the codec on far more inputs.)
    @Test(arguments: 0..<2) func generatedAlertsDecodeAsTheReferenceDoes(seed: UInt64) {
        var random = BodyMutator(seed: seed)
        var failures = 0
        for _ in 0..<250 where failures < 5 {
            let body = Array(AlertGenerator.body(&random).utf8)
            for candidate in [body, random.mutate(body)] {
                if let difference = Self.difference(candidate) {
                    failures += 1
                    Issue.record("\(difference.prefix(1500))\nbody: \(Self.shown(candidate))")
                }
            }
        }
    }

    /// The captured bodies and the edge cases above, a few bytes changed at a time.
    @Test(arguments: 0..<2) func mutatedBodiesDecodeAsTheReferenceDoes(seed: UInt64) throws {
        var seeds: [[UInt8]] = try ["firing-first", "firing-resend", "resolved"].map {
            [UInt8](try Data(contentsOf: GoldenFixtureTests.root.appendingPathComponent("alertmanager-api/\($0).json")))
        }
        seeds.append([UInt8](try Data(contentsOf: FuzzFixtureTests.root.appendingPathComponent("seeds/alertmanager-api/edge-times.json"))))
        seeds += [
            #"[{"label\u0073": {"alertname": "A\u00e9\uD83D\uDE00", "k\u0041": "v"}, "annotations": {"summary": "S", "n": 1, "b": true, "z": null}, "endsAt": "", "generatorURL": "h\u0026", "x": {"y": [1, -2.5e3, null]}}]"#,
            #"[{"labels": {"alertname": "grüße 😀", "job": "中"}, "annotations": {"description": "é"}, "startsAt": "2026-11-29T04:00:00+02:00", "unknown": "ü"}, {"labels": {"a": "b"}}]"#,
        ].map { Array($0.utf8) }
        var random = BodyMutator(seed: seed)
        var failures = 0
        for _ in 0..<500 where failures < 5 {
            let body = random.mutate(random.pick(seeds))
            if let difference = Self.difference(body) {
                failures += 1
                Issue.record("\(difference.prefix(1500))\nbody: \(Self.shown(body))")
            }
        }
    }
}
