import AlertgateCodecs
import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// OTLP/HTTP traces: captures from the real OpenTelemetry Python SDK decode to the expected
/// signals, both encodings agree, bad spans are counted, and no input crashes the codec.
@Suite struct OTLPTraceCodecTests {
    let codec = OTLPTraceCodec()

    func decode(_ fixture: OTLPFixture, codec: OTLPTraceCodec? = nil) throws -> OTLPTraceBatch {
        try (codec ?? self.codec).decode(body: try fixture.decodedBody(), contentType: fixture.contentType)
    }

    func decodeJSON(_ text: String, codec: OTLPTraceCodec? = nil) throws -> OTLPTraceBatch {
        try (codec ?? self.codec).decode(body: Array(text.utf8), contentType: "application/json")
    }

    /// A one-span JSON request around `span` (a JSON object's fields).
    func jsonRequest(service: String? = "api", spans: [String]) -> String {
        let resource = service.map { #"{"attributes": [{"key": "service.name", "value": {"stringValue": "\#($0)"}}]}"# } ?? "{}"
        return #"{"resourceSpans": [{"resource": \#(resource), "scopeSpans": [{"scope": {"name": "t"}, "spans": [\#(spans.joined(separator: ","))]}]}]}"#
    }

    // MARK: - Captured fixtures

    @Test(arguments: OTLPFixture.names)
    func capturedExportDecodesToErrorSignals(name: String) throws {
        let fixture = try OTLPFixture(name)
        #expect(fixture.capturedWith.contains("opentelemetry-sdk"))
        let batch = try decode(fixture)
        #expect(batch.rejectedSpans == 0)
        #expect(batch.rejectionMessage == nil)
        #expect(batch.spansByService == ["checkout": 5, "inventory": 1])
        // Spans in request order: GET /cart (ok), charge card, apply coupon, call payments,
        // POST /checkout (unset), reserve stock (inventory).
        #expect(batch.signals.map(\.item) == [1, 2, 3, 5])
        let signals = batch.signals.map(\.signal)
        #expect(signals.map(\.title) == [
            "charge card: ZeroDivisionError", "apply coupon: KeyError",
            "call payments: payments answered 503", "reserve stock: TimeoutError",
        ])
        #expect(signals.map(\.service) == ["checkout", "checkout", "checkout", "inventory"])
        #expect(signals.map { $0.labels["exception.type"] } == ["ZeroDivisionError", "KeyError", "", "TimeoutError"])
        #expect(signals.map { $0.labels["span.kind"] } == ["client", "internal", "client", "consumer"])
        for signal in signals {
            #expect(signal.kind == .trace)
            #expect(signal.source == .otlp)
            #expect(signal.status == .firing)
            #expect(signal.severity == .error)
            #expect(signal.labels["trace_id"]?.wholeMatch(of: /[0-9a-f]{32}/) != nil)
            #expect(signal.labels["span_id"]?.wholeMatch(of: /[0-9a-f]{16}/) != nil)
            // Captured in late 2026; the time is the span's end in milliseconds.
            #expect((signal.occurredAt?.milliseconds ?? 0) > 1_790_000_000_000)
        }
        let charge = signals[0]
        #expect(charge.labels["span.name"] == "charge card")
        #expect(charge.description?.hasPrefix("division by zero\n\nTraceback (most recent call last):") == true)
        #expect(charge.description?.contains("ZeroDivisionError: division by zero") == true)
        #expect(signals[2].description == "payments answered 503")
        // The two checkout errors of one trace share it; ids are not in the fingerprint.
        #expect(signals[0].labels["trace_id"] == signals[1].labels["trace_id"])
        #expect(Fingerprint.of(signals[0]) == Fingerprint.labels(["service": "checkout", "span": "charge card", "exception.type": "ZeroDivisionError"]))
    }

    @Test func protobufGzipAndJSONCapturesGiveTheSameSignals() throws {
        let batches = try OTLPFixture.names.map { try decode(OTLPFixture($0)) }
        let reference = batches[0]
        for batch in batches.dropFirst() {
            // The three captures hold the same spans, so everything agrees, ids and times too.
            #expect(batch.signals.map(\.item) == reference.signals.map(\.item))
            #expect(batch.signals.map(\.signal) == reference.signals.map(\.signal))
            #expect(batch.signals.map { Fingerprint.of($0.signal) } == reference.signals.map { Fingerprint.of($0.signal) })
        }
    }

    @Test func decodingStoredBytesAgainGivesTheSameItems() throws {
        let fixture = try OTLPFixture("python-sdk-protobuf-gzip")
        let first = try codec.decodedBatch(body: try fixture.decodedBody(), contentType: fixture.contentType)
        let again = try codec.decodedBatch(body: try fixture.decodedBody(), contentType: fixture.contentType)
        #expect(first.signals.map(\.item) == again.signals.map(\.item))
        #expect(first.signals.map(\.signal) == again.signals.map(\.signal))
        #expect(first.errors.isEmpty)
    }

    @Test func slowSpansOfConfiguredServicesBecomeWarnings() throws {
        let slow = OTLPTraceCodec(slowSpanThresholds: ["checkout": .milliseconds(100), "inventory": .milliseconds(1)])
        for name in OTLPFixture.names {
            let batch = try decode(OTLPFixture(name), codec: slow)
            // GET /cart took ~120 ms; error spans stay errors, never also slow.
            #expect(batch.signals.map(\.item) == [0, 1, 2, 3, 5])
            let cart = try #require(batch.signals.first?.signal)
            #expect(cart.title == "GET /cart slower than 100ms")
            #expect(cart.kind == .trace)
            #expect(cart.severity == .warning)
            #expect(cart.labels["exception.type"] == "slow")
            #expect(cart.labels["span.name"] == "GET /cart")
            #expect(Int(cart.labels["duration_ms"] ?? "") ?? 0 >= 100)
            #expect(cart.labels["trace_id"]?.count == 32)
            #expect(cart.labels["category"] == nil)
        }
    }

    // MARK: - Rejections and bounds

    @Test func invalidSpansAreRejectedAndCountedNotFatal() throws {
        let batch = try decodeJSON(jsonRequest(spans: [
            #"{"traceId": "0102030405060708090a0b0c0d0e0f", "spanId": "0102030405060708", "name": "short trace", "status": {"code": 2}}"#,
            #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "", "status": {"code": 2}}"#,
            #"{"traceId": "AQIDBAUGBwgJCgsMDQ4PEA==", "spanId": "0102030405060708", "name": "base64 id", "status": {"code": 2}}"#,
            #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "00000000", "name": "short span", "status": {"code": 2}}"#,
            #"{"traceId": "00000000000000000000000000000000", "spanId": "0102030405060708", "name": "zero trace", "status": {"code": 2}}"#,
            #""not a span""#,
        ]))
        #expect(batch.rejectedSpans == 5)
        #expect(batch.spansByService == ["api": 6])
        // The empty name is allowed; items keep every span's position.
        #expect(batch.signals.map(\.item) == [1])
        #expect(batch.signals.first?.signal.title == "(unnamed span): error")
        #expect(batch.rejections.map(\.index) == [0, 2, 3, 4, 5])
        #expect(batch.rejections[0].field == "resourceSpans[0].scopeSpans[0].spans[0].traceId")
        #expect(batch.rejections[0].message.contains("16 bytes, got 15"))
        #expect(batch.rejections[1].message.contains("hex"))
        #expect(batch.rejections[2].field == "resourceSpans[0].scopeSpans[0].spans[3].spanId")
        #expect(batch.rejectionMessage?.hasPrefix("5 spans were rejected; the first: ") == true)
        #expect(batch.decodedBatch.errors.count == 5)

        let protobuf = OTLPProtobufWriter.request(service: "api", spans: [
            OTLPProtobufWriter.span(traceID: Array(1...15), name: "bad"),
            OTLPProtobufWriter.span(name: "good", exceptionType: "IOError"),
            OTLPProtobufWriter.span(spanID: [], name: "no span id"),
        ])
        let fromProtobuf = try codec.decode(body: protobuf, contentType: "application/x-protobuf")
        #expect(fromProtobuf.rejectedSpans == 2)
        #expect(fromProtobuf.signals.map(\.item) == [1])
        #expect(fromProtobuf.rejections.first?.field == "resource_spans[0].scope_spans[0].spans[0].trace_id")
    }

    @Test func bodiesThatDoNotParseThrow() throws {
        #expect(throws: CodecError.self) { try decodeJSON("{\"resourceSpans\": ") }
        #expect(throws: CodecError.self) { try decodeJSON(#"{"resourceSpans": {"not": "an array"}}"#) }
        #expect(throws: CodecError.self) { try decodeJSON(#"{"resourceSpans": [{"scopeSpans": 7}]}"#) }
        #expect(throws: CodecError.self) { try codec.decode(body: [0x0A, 0xFF, 0xFF, 0xFF], contentType: "application/x-protobuf") }
        #expect(throws: CodecError.self) { try codec.decode(body: [0x0A, 0x05, 0x12], contentType: "application/protobuf") }
        let unsupported = #expect(throws: CodecError.self) { try codec.decode(body: [], contentType: "text/plain") }
        #expect(unsupported?.field == "Content-Type")
    }

    @Test func moreThanTheSpanLimitIsRefusedBeforeDecoding() throws {
        var scope = OTLPProtobufWriter()
        for _ in 0...OTLPLimits().maxSpans { scope.bytes(2, []) }
        var request = OTLPProtobufWriter()
        request.message(1) { $0.bytes(2, scope.bytes) }
        let error = #expect(throws: CodecError.self) { try codec.decode(body: request.bytes, contentType: "application/x-protobuf") }
        #expect(error?.code == "too_many_spans")

        let json = jsonRequest(spans: Array(repeating: "{}", count: OTLPLimits().maxSpans + 1))
        let jsonError = #expect(throws: CodecError.self) { try decodeJSON(json) }
        #expect(jsonError?.code == "too_many_spans")
    }

    /// One request with one span, built by `span`, under `limits`.
    private func decodeSpan(limits: OTLPLimits, _ span: (inout OTLPProtobufWriter) -> Void) throws(CodecError) -> OTLPTraceBatch {
        var spanBytes = OTLPProtobufWriter()
        span(&spanBytes)
        var scope = OTLPProtobufWriter()
        scope.bytes(2, spanBytes.bytes)
        var request = OTLPProtobufWriter()
        request.message(1) { $0.bytes(2, scope.bytes) }
        return try OTLPTraceCodec(limits: limits).decode(body: request.bytes, contentType: "application/x-protobuf")
    }

    @Test func attributesEventsAndLinksPastTheirLimitsAreRefusedBeforeDecoding() throws {
        var limits = OTLPLimits()
        limits.maxAttributesPerSpan = 3
        limits.maxEventsPerSpan = 2
        limits.maxAttributes = 10
        // At the limits: decodes.
        #expect(try decodeSpan(limits: limits) { span in
            for _ in 0..<3 { span.bytes(9, []) }
            for _ in 0..<2 { span.message(11) { event in for _ in 0..<3 { event.bytes(3, []) } } }
        }.spanCount == 1)
        let attributes = #expect(throws: CodecError.self) { try decodeSpan(limits: limits) { span in for _ in 0..<4 { span.bytes(9, []) } } }
        #expect(attributes?.code == "too_many_attributes")
        #expect(attributes?.limit == "otlp.max_attributes_per_span")
        let events = #expect(throws: CodecError.self) { try decodeSpan(limits: limits) { span in for _ in 0..<3 { span.bytes(11, []) } } }
        #expect(events?.limit == "otlp.max_events_per_span")
        let links = #expect(throws: CodecError.self) { try decodeSpan(limits: limits) { span in for _ in 0..<3 { span.bytes(13, []) } } }
        #expect(links?.code == "too_many_links")
        let eventAttributes = #expect(throws: CodecError.self) {
            try decodeSpan(limits: limits) { span in span.message(11) { event in for _ in 0..<4 { event.bytes(3, []) } } }
        }
        #expect(eventAttributes?.limit == "otlp.max_attributes_per_span")
        // Values nested in an attribute's array count toward the request's total.
        let nested = #expect(throws: CodecError.self) {
            try decodeSpan(limits: limits) { span in
                span.message(9) { keyValue in
                    keyValue.message(2) { value in value.message(5) { array in for _ in 0..<10 { array.bytes(1, []) } } }
                }
            }
        }
        #expect(nested?.limit == "otlp.max_attributes")
    }

    @Test func emptyRequestsAndUnknownFieldsAreFine() throws {
        #expect(try decodeJSON("{}").signals.isEmpty)
        #expect(try codec.decode(body: [], contentType: "application/x-protobuf").spanCount == 0)
        let json = try decodeJSON(jsonRequest(spans: [
            #"{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "x", "futureField": {"a": [1]}, "status": {"code": 2, "newThing": true}}"#,
        ]).replacingOccurrences(of: #"{"resourceSpans""#, with: #"{"extra": 1, "resourceSpans""#))
        #expect(json.signals.count == 1)
        var span = OTLPProtobufWriter()
        OTLPProtobufWriter.span(name: "x")(&span)
        span.varint(99, 7)
        span.string(98, "unknown")
        var request = OTLPProtobufWriter()
        request.message(1) { resourceSpans in resourceSpans.message(2) { $0.bytes(2, span.bytes) } }
        let protobuf = try codec.decode(body: request.bytes, contentType: "application/x-protobuf")
        #expect(protobuf.signals.count == 1)
        #expect(protobuf.signals.first?.signal.service == "unknown_service")
    }

    // MARK: - OTLP/JSON specifics

    @Test func jsonHexIDsInt64StringsAndEnumNames() throws {
        let batch = try decodeJSON(jsonRequest(spans: [
            #"{"traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EEE19B7EC3C1B174", "name": "GET /a", "kind": 2, "startTimeUnixNano": "1795927577550796211", "endTimeUnixNano": "1795927577671108789", "status": {"code": 2}}"#,
            #"{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175", "name": "GET /b", "kind": "SPAN_KIND_CLIENT", "startTimeUnixNano": 1795927577000000000, "endTimeUnixNano": 1795927578000000000, "status": {"code": "STATUS_CODE_ERROR", "message": "boom"}}"#,
            #"{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b176", "name": "GET /c", "startTimeUnixNano": "-5", "status": {"code": 2}}"#,
        ]))
        #expect(batch.signals.count == 2)
        let first = try #require(batch.signals.first?.signal)
        #expect(first.labels["trace_id"] == "5b8efff798038103d269b633813fc60c")
        #expect(first.labels["span_id"] == "eee19b7ec3c1b174")
        #expect(first.labels["span.kind"] == "server")
        #expect(first.occurredAt == Timestamp(milliseconds: 1_795_927_577_671))
        let second = try #require(batch.signals.last?.signal)
        #expect(second.labels["span.kind"] == "client")
        #expect(second.title == "GET /b: boom")
        #expect(second.occurredAt == Timestamp(milliseconds: 1_795_927_578_000))
        #expect(batch.rejections.first?.field == "resourceSpans[0].scopeSpans[0].spans[2]")
        #expect(batch.rejections.first?.message.contains("startTimeUnixNano") == true)
    }

    @Test func fingerprintIsServiceSpanAndExceptionTypeNotTraceIDs() throws {
        func signal(trace: String, service: String = "api", type: String = "IOError") throws -> Signal {
            let span = #"{"traceId": "\#(trace)", "spanId": "0102030405060708", "name": "save", "status": {"code": 2}, "events": [{"name": "exception", "attributes": [{"key": "exception.type", "value": {"stringValue": "\#(type)"}}]}]}"#
            return try #require(try decodeJSON(jsonRequest(service: service, spans: [span])).signals.first?.signal)
        }
        let one = try signal(trace: "0102030405060708090a0b0c0d0e0f10")
        let other = try signal(trace: "ffeeddccbbaa99887766554433221100")
        #expect(one.labels["trace_id"] != other.labels["trace_id"])
        #expect(Fingerprint.of(one) == Fingerprint.of(other))
        #expect(Fingerprint.of(one) != Fingerprint.of(try signal(trace: "0102030405060708090a0b0c0d0e0f10", type: "KeyError")))
        #expect(Fingerprint.of(one) != Fingerprint.of(try signal(trace: "0102030405060708090a0b0c0d0e0f10", service: "web")))
    }

    @Test func titleAndDescriptionAreBounded() throws {
        let longName = String(repeating: "ü", count: 2000)
        let protobuf = OTLPProtobufWriter.request(service: nil, spans: [
            OTLPProtobufWriter.span(name: longName, exceptionType: String(repeating: "E", count: 1000), exceptionMessage: String(repeating: "m", count: 100_000)),
        ])
        let signal = try #require(try codec.decode(body: protobuf, contentType: "application/x-protobuf").signals.first?.signal)
        #expect(signal.title.utf8.count <= 1024)
        #expect((signal.description?.utf8.count ?? 0) <= 16 * 1024)
        #expect((signal.description?.utf8.count ?? 0) > 15 * 1024)
        #expect(signal.service == "unknown_service")
        #expect(signal.title.hasPrefix("üü"))
    }

    // MARK: - Garbage

    @Test func randomBytesTruncationsAndBitFlipsNeverCrash() throws {
        var generator = SystemRandomNumberGenerator()
        for contentType in ["application/x-protobuf", "application/json"] {
            for _ in 0..<500 {
                let bytes = (0..<Int.random(in: 0...512, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = try? codec.decode(body: bytes, contentType: contentType)
            }
        }
        for name in OTLPFixture.names {
            let fixture = try OTLPFixture(name)
            let body = try fixture.decodedBody()
            for length in stride(from: 0, to: body.count, by: max(1, body.count / 400)) {
                _ = try? codec.decode(body: Array(body.prefix(length)), contentType: fixture.contentType)
            }
            for _ in 0..<500 {
                var flipped = body
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    flipped[Int.random(in: 0..<flipped.count, using: &generator)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
                }
                if let batch = try? codec.decode(body: flipped, contentType: fixture.contentType) {
                    #expect(batch.signals.count + batch.rejectedSpans <= batch.spanCount)
                }
            }
        }
    }

    // MARK: - Answers

    @Test func exportResponsesInBothEncodings() {
        #expect(OTLPExportResponse.success(rejectedSpans: 0, errorMessage: nil, encoding: .protobuf).isEmpty)
        #expect(OTLPExportResponse.success(rejectedSpans: 0, errorMessage: nil, encoding: .json) == Array("{}".utf8))
        // partial_success (1) { rejected_spans (1) = 2, error_message (2) = "x" }
        #expect(OTLPExportResponse.success(rejectedSpans: 2, errorMessage: "x", encoding: .protobuf) == [0x0A, 0x05, 0x08, 0x02, 0x12, 0x01, 0x78])
        #expect(String(decoding: OTLPExportResponse.success(rejectedSpans: 2, errorMessage: "x", encoding: .json), as: UTF8.self)
            == #"{"partialSuccess":{"errorMessage":"x","rejectedSpans":"2"}}"#)
        // google.rpc.Status { code (1) = 3, message (2) = "bad" }
        #expect(OTLPExportResponse.rpcStatus(code: 3, message: "bad") == [0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64])
        #expect(OTLPEncoding(contentType: "application/json; charset=utf-8") == .json)
        #expect(OTLPEncoding(contentType: "Application/X-Protobuf") == .protobuf)
        #expect(OTLPEncoding(contentType: "application/protobuf") == .protobuf)
        #expect(OTLPEncoding(contentType: "text/plain") == nil)
        #expect(OTLPEncoding(contentType: nil) == nil)
    }
}
