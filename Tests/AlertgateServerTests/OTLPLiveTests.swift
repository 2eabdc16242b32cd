import AlertgateCore
import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// `POST /v1/traces` on a real gateway: the captured SDK exports are answered as a collector
/// answers, their error spans become tracing incidents, repeats stay one alert, and bad
/// input gets the right status in the right encoding.
@Suite struct OTLPLiveTests {
    func incidents(_ gateway: RunningGateway) async throws -> [[String: Any]] {
        try await gateway.client.get("/api/v1/incidents").json["incidents"] as? [[String: Any]] ?? []
    }

    func detail(_ gateway: RunningGateway, service: String) async throws -> [String: Any] {
        let incident = try #require(try await incidents(gateway).first { $0["service"] as? String == service })
        let id = try #require(incident["id"] as? Int)
        return try await gateway.client.get("/api/v1/incidents/\(id)").json
    }

    /// `span name: count` of an incident's trace alerts.
    func traceCounts(_ detail: [String: Any]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for alert in detail["traces"] as? [[String: Any]] ?? [] {
            let labels = alert["labels"] as? [String: String] ?? [:]
            counts[labels["span.name"] ?? "?"] = alert["count"] as? Int
        }
        return counts
    }

    @Test func capturedExportsBecomeTracingIncidentsAndRepeats() async throws {
        try await withRunningGateway { gateway in
            let protobuf = try OTLPFixture("python-sdk-protobuf")
            let first = try await gateway.client.post(protobuf.path, bytes: protobuf.body, headers: protobuf.headers)
            #expect(first.status == 200)
            #expect(first.header("Content-Type") == "application/x-protobuf")
            #expect(first.body.isEmpty)  // an ExportTraceServiceResponse with nothing to report

            let opened = try await incidents(gateway)
            #expect(Set(opened.compactMap { $0["service"] as? String }) == ["checkout", "inventory"])
            #expect(opened.allSatisfy { $0["detected_by"] as? String == "tracing" })
            let checkout = try await detail(gateway, service: "checkout")
            let traces = try #require(checkout["traces"] as? [[String: Any]])
            #expect(traceCounts(checkout) == ["charge card": 1, "apply coupon": 1, "call payments": 1])
            let alertIDs = Set(traces.compactMap { $0["id"] as? Int })
            #expect(traces.allSatisfy { $0["kind"] as? String == "trace" })

            // The same spans again as gzip protobuf and as JSON: repeats of the same alerts.
            for name in ["python-sdk-protobuf-gzip", "python-sdk-json"] {
                let fixture = try OTLPFixture(name)
                let reply = try await gateway.client.post(fixture.path, bytes: fixture.body, headers: fixture.headers)
                #expect(reply.status == 200, "\(name): \(reply.text)")
                #expect(reply.header("Content-Type") == fixture.contentType)
                if fixture.contentType == "application/json" { #expect(reply.text == "{}") }
            }
            let again = try await detail(gateway, service: "checkout")
            #expect(traceCounts(again) == ["charge card": 3, "apply coupon": 3, "call payments": 3])
            #expect(Set((again["traces"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }) == alertIDs)
            #expect(try await incidents(gateway).count == 2)
        }
    }

    @Test func exportsWithoutErrorsStoreNothingAndRejectedSpansArePartialSuccess() async throws {
        try await withRunningGateway { gateway in
            let okOnly = #"{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "web"}}]}, "scopeSpans": [{"spans": [{"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "name": "GET /", "status": {"code": 1}}]}]}]}"#
            let ok = try await gateway.client.post("/v1/traces", okOnly)
            #expect(ok.status == 200)
            #expect(ok.text == "{}")
            #expect(try await incidents(gateway).isEmpty)
            #expect((try await gateway.client.get("/api/v1/stats").json["signals"] as? Int) == 0)

            let mixed = okOnly
                .replacingOccurrences(of: #""status": {"code": 1}"#, with: #""status": {"code": 2}"#)
                .replacingOccurrences(of: #"]}]}]}"#, with: #", {"traceId": "0102", "spanId": "0102030405060708", "name": "bad"}]}]}]}"#)
            let partial = try await gateway.client.post("/v1/traces", mixed)
            #expect(partial.status == 200)
            let success = try #require(partial.json["partialSuccess"] as? [String: Any])
            #expect(success["rejectedSpans"] as? String == "1")
            #expect((success["errorMessage"] as? String)?.contains("resourceSpans[0].scopeSpans[0].spans[1].traceId") == true)
            #expect(try await incidents(gateway).count == 1)
        }
    }

    @Test func badInputGetsTheRightStatusInTheRightEncoding() async throws {
        try await withRunningGateway(configure: { $0.otlp.maxBodyBytes = 64 * 1024 }) { gateway in
            let client = gateway.client
            let badProtobuf = try await client.post("/v1/traces", bytes: [0x0A, 0xFF, 0xFF, 0x0F, 0x01], headers: ["Content-Type": "application/x-protobuf"])
            #expect(badProtobuf.status == 400)
            #expect(badProtobuf.header("Content-Type") == "application/x-protobuf")
            // google.rpc.Status: code (field 1) = 3 INVALID_ARGUMENT, then the message.
            #expect(Array(badProtobuf.body.prefix(3)) == [0x08, 0x03, 0x12])

            let badJSON = try await client.post("/v1/traces", #"{"resourceSpans": 3}"#)
            #expect(badJSON.status == 400)
            #expect((badJSON.json["error"] as? [String: Any])?["field"] as? String == "resourceSpans")

            let wrongType = try await client.post("/v1/traces", "x", headers: ["Content-Type": "text/plain"])
            #expect(wrongType.status == 415)
            let noType = try await client.request("POST", "/v1/traces", body: Data([1, 2]), headers: ["Content-Type": ""])
            #expect(noType.status == 415)

            // 20 MiB of zeros gzip to about 20 KiB: small on the wire, a bomb once inflated.
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            let path = folder.file("bomb")
            try Data(count: 20 << 20).write(to: URL(fileURLWithPath: path))
            #expect(try await ChildProcess.run("/bin/gzip", ["-9", path]).status == 0)
            let bomb = [UInt8](try #require(FileManager.default.contents(atPath: path + ".gz")))
            #expect(bomb.count < 64 * 1024)
            let protobufBomb = try await client.post("/v1/traces", bytes: bomb, headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"])
            #expect(protobufBomb.status == 413)
            #expect(protobufBomb.header("Content-Type") == "application/x-protobuf")
            #expect(protobufBomb.text.contains("otlp.max_body_bytes"))
            let jsonBomb = try await client.post("/v1/traces", bytes: bomb, headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"])
            #expect(jsonBomb.status == 413)
            #expect((jsonBomb.json["error"] as? [String: Any])?["code"] as? String == "body_too_large")

            // Still up, and a good capture still goes through.
            let fixture = try OTLPFixture("python-sdk-protobuf-gzip")
            let good = try await client.post(fixture.path, bytes: fixture.body, headers: fixture.headers)
            #expect(good.status == 200)
        }
    }

    @Test func garbageNeverTakesTheServerDown() async throws {
        try await withRunningGateway { gateway in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<100 {
                let bytes = (0..<Int.random(in: 1...1024, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let type = round % 2 == 0 ? "application/x-protobuf" : "application/json"
                let reply = try await gateway.client.post("/v1/traces", bytes: bytes, headers: ["Content-Type": type])
                // Random bytes may happen to be a valid protobuf with no spans: 200 then.
                #expect(reply.status == 200 || (400..<500).contains(reply.status), "round \(round) answered \(reply.status)")
            }
            #expect(try await gateway.client.get("/healthz").status == 200)
        }
    }
}
