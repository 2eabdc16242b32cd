import AlertgateCodecs
import AlertgateCore
import Testing

/// alertgate's own event JSON: objects, arrays, NDJSON, and the errors that name fields.
@Suite struct GenericEventCodecTests {
    let events = GenericEventCodec(.events)

    func decode(_ text: String, contentType: String? = "application/json", codec: GenericEventCodec? = nil) throws -> DecodedBatch {
        try (codec ?? events).decode(Array(text.utf8), contentType: contentType)
    }

    @Test func everyFieldOfAnEvent() throws {
        let batch = try decode("""
            {"kind": "alert", "status": "resolved", "service": "checkout", "title": "p99 latency", "description": "over 2s",
             "severity": "warning", "labels": {"env": "prod", "replicas": 3, "canary": true, "gone": null},
             "dedup_key": "chk-latency", "occurred_at": "2026-11-29T04:00:00.250+01:00",
             "links": [{"href": "https://runbooks/checkout", "text": "runbook"}], "source": "grafana-prod"}
            """)
        #expect(batch.errors.isEmpty)
        let signal = try #require(batch.signals.first?.signal)
        #expect(signal.kind == .alert)
        #expect(signal.source == .events)
        #expect(signal.status == .resolved)
        #expect(signal.service == "checkout")
        #expect(signal.title == "p99 latency")
        #expect(signal.description == "over 2s")
        #expect(signal.severity == .warning)
        #expect(signal.labels == ["env": "prod", "replicas": "3", "canary": "true"])
        #expect(signal.dedupKey == "chk-latency")
        #expect(signal.occurredAt == RFC3339.parse("2026-11-29T03:00:00.250Z"))
        #expect(signal.links == [SignalLink(href: "https://runbooks/checkout", text: "runbook")])
        #expect(signal.sender == "grafana-prod")
    }

    @Test func defaultsAndTheAlertnameShortcut() throws {
        let signal = try #require(try decode(#"{"service": "api", "labels": {"alertname": "HighErrorRate"}}"#).signals.first?.signal)
        #expect(signal.title == "HighErrorRate")
        #expect(signal.kind == .alert)
        #expect(signal.status == .firing)
        #expect(signal.severity == .error)
        let noService = try #require(try decode(#"{"title": "x", "labels": {"job": "node"}}"#).signals.first?.signal)
        #expect(noService.service == "node")
        let epoch = try #require(try decode(#"{"title": "x", "occurred_at": 1795000000.5}"#).signals.first?.signal)
        #expect(epoch.occurredAt == Timestamp(milliseconds: 1_795_000_000_500))
    }

    @Test func reportsAndChangesMapTheirOwnFields() throws {
        let report = try #require(try decode(#"{"title": "Checkout fails", "service": "web", "category": "payments", "reporter": "ticket-991"}"#, codec: GenericEventCodec(.reports)).signals.first?.signal)
        #expect(report.kind == .report)
        #expect(report.source == .reports)
        #expect(report.severity == .warning)
        #expect(report.labels["category"] == "payments")
        #expect(report.labels["reporter"] == "ticket-991")
        let change = try #require(try decode(#"{"title": "Deploy web 2.1", "service": "web", "version": "2.1", "commit": "abc123", "author": "dana"}"#, codec: GenericEventCodec(.changes)).signals.first?.signal)
        #expect(change.kind == .change)
        #expect(change.labels == ["version": "2.1", "commit": "abc123", "author": "dana"])
    }

    /// A support agent's forward without a template: a subject, or only the user's words.
    @Test func aReportWithoutATitleTakesItsSubjectOrItsFirstLine() throws {
        let reports = GenericEventCodec(.reports)
        let subject = try #require(try decode(#"{"subject": "Card declined at checkout", "text": "I tried twice.\nStill failing.", "service": "web"}"#,
                                              codec: reports).signals.first?.signal)
        #expect(subject.title == "Card declined at checkout")
        #expect(subject.description == "I tried twice.\nStill failing.")
        let message = try #require(try decode(#"{"message": "\n  The invoice page is blank  \nsince this morning"}"#, codec: reports).signals.first?.signal)
        #expect(message.title == "The invoice page is blank")
        #expect(message.description == "\n  The invoice page is blank  \nsince this morning")
        let long = String(repeating: "slow page ", count: 30)
        let cut = try #require(try decode(#"{"description": "\#(long)"}"#, codec: reports).signals.first?.signal)
        #expect(cut.title.count <= 121 && cut.title.hasSuffix("page…"))
        #expect(cut.description == long)
        // The title wins when there is one; events keep requiring it.
        let titled = try #require(try decode(#"{"title": "Export broken", "text": "details"}"#, codec: reports).signals.first?.signal)
        #expect(titled.title == "Export broken" && titled.description == "details")
        let missing = { (text: String, codec: GenericEventCodec) -> CodecError? in
            do { _ = try decode(text, codec: codec); return nil } catch { return error as? CodecError }
        }
        #expect(missing(#"{"service": "web", "text": "   "}"#, reports)?.field == "title (or subject, text, message, description)")
        #expect(missing(#"{"service": "web", "text": "words"}"#, events)?.field == "title")
    }

    @Test func arraysKeepGoodItemsAndNameBadOnes() throws {
        let batch = try decode(#"[{"title": "a"}, {"title": ""}, {"title": "b", "status": "sleeping"}, [], {"title": "c", "links": [{"text": "no href"}]}]"#)
        #expect(batch.signals.map(\.item) == [0])
        #expect(batch.errors.map(\.index) == [1, 2, 3, 4])
        #expect(batch.errors.map(\.field) == ["title", "status", nil, "links[0].href"])
        #expect(batch.errors[1].code == "invalid_value")
    }

    @Test func ndjsonCountsLinesAndSkipsBlankOnes() throws {
        let batch = try decode("{\"title\": \"one\"}\r\n\n   \n{\"title\": 2}\n{\"title\": \"three\"}", contentType: "application/x-ndjson")
        #expect(batch.signals.map(\.item) == [0, 2])
        #expect(batch.errors.map(\.index) == [1])
        #expect(batch.errors.first?.field == "title")
        #expect(throws: CodecError.self) { try decode("\n\n", contentType: "application/x-ndjson") }
    }

    @Test func wholeBodyErrors() {
        func code(_ text: String) -> String? {
            do { _ = try decode(text); return nil } catch let error as CodecError { return error.code } catch { return "?" }
        }
        #expect(code("") == "invalid_json")
        #expect(code("{") == "invalid_json")
        #expect(code("true") == "wrong_type")
        #expect(code(String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40)) == "too_deep")
        #expect(code(#"{"title": "x", "kind": "gossip"}"#) == "invalid_value")
        #expect(code(#"{"title": "\#(String(repeating: "x", count: 2000))"}"#) == "too_long")
        #expect(throws: CodecError.invalidUTF8) { try events.decode([0x7B, 0xFF, 0x7D], contentType: nil) }
    }

    @Test func bracketsInsideStringsDoNotCountTowardsDepth() throws {
        let title = String(repeating: "[{", count: 100)
        let batch = try decode(#"{"title": "\#(title)", "description": "\\\"[[["}"#)
        #expect(batch.signals.first?.signal.title == title)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? events.decode(bytes, contentType: nil)
            _ = try? events.decode(bytes, contentType: "application/x-ndjson")
        }
        let valid = Array(#"[{"title": "a", "labels": {"k": "v"}}, {"title": "b"}]"#.utf8)
        for cut in 0..<valid.count {
            _ = try? events.decode(Array(valid[..<cut]), contentType: nil)
            var flipped = valid
            flipped[cut] ^= 0x20
            _ = try? events.decode(flipped, contentType: nil)
        }
    }
}
