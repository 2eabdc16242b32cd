import AlertgateCompression
import AlertgateTesting
import Foundation
import Testing

/// Bad input gets a 4xx naming the problem, a batch keeps its good items, nothing crashes.
@Suite struct BadInputLiveTests {
    func errorBody(_ reply: TestHTTPClient.Reply) -> [String: Any] {
        reply.json["error"] as? [String: Any] ?? [:]
    }

    @Test func malformedJSONWrongTypesAndMissingTitle() async throws {
        try await withRunningGateway { gateway in
            let client = gateway.client
            let truncated = try await client.post("/api/v1/events", #"{"title": "x""#)
            #expect(truncated.status == 400)
            #expect(errorBody(truncated)["code"] as? String == "invalid_json")

            let wrongType = try await client.post("/api/v1/events", #"{"title": "x", "labels": {"env": ["prod"]}}"#)
            #expect(wrongType.status == 400)
            #expect(errorBody(wrongType)["field"] as? String == "labels.env")

            let missing = try await client.post("/api/v1/events", #"{"service": "api", "severity": "critical"}"#)
            #expect(missing.status == 400)
            #expect(errorBody(missing)["code"] as? String == "missing_field")
            #expect(errorBody(missing)["field"] as? String == "title")

            let badSeverity = try await client.post("/api/v1/events", #"{"title": "x", "severity": "apocalyptic"}"#)
            #expect(badSeverity.status == 400)
            #expect(errorBody(badSeverity)["field"] as? String == "severity")

            let badTime = try await client.post("/api/v1/events", #"{"title": "x", "occurred_at": "yesterday"}"#)
            #expect(badTime.status == 400)
            #expect(errorBody(badTime)["field"] as? String == "occurred_at")

            let scalar = try await client.post("/api/v1/events", "42")
            #expect(scalar.status == 400)

            let deep = try await client.post("/api/v1/events", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000))
            #expect(deep.status == 400)
            #expect(errorBody(deep)["code"] as? String == "too_deep")
        }
    }

    @Test func emptyBatchesAndUnknownRoutesGetJSONErrors() async throws {
        try await withRunningGateway { gateway in
            for path in ["/api/v1/events", "/api/v1/reports", "/api/v1/changes"] {
                let empty = try await gateway.client.post(path, "[]")
                #expect(empty.status == 400)
                #expect(errorBody(empty)["code"] as? String == "empty_body")
            }
            let unknown = try await gateway.client.get("/api/v1/nothing-here")
            #expect(unknown.status == 404)
            #expect(errorBody(unknown)["code"] as? String == "not_found")
            #expect((errorBody(unknown)["message"] as? String)?.contains("/api/v1/nothing-here") == true)
            let health = try await gateway.client.get("/healthz")
            #expect(health.status == 200)
        }
    }

    @Test func invalidUTF8IsRejectedByName() async throws {
        try await withRunningGateway { gateway in
            let bytes: [UInt8] = Array(#"{"title": ""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8)
            let reply = try await gateway.client.post("/api/v1/events", bytes: bytes)
            #expect(reply.status == 400)
            #expect(errorBody(reply)["code"] as? String == "invalid_utf8")
        }
    }

    @Test func batchKeepsGoodItemsAndListsBadOnes() async throws {
        try await withRunningGateway { gateway in
            let body = #"[{"title": "good one", "service": "a"}, {"service": "a"}, "nope", {"title": "good two", "service": "b"}, {"title": 7}]"#
            let reply = try await gateway.client.post("/api/v1/events", body)
            #expect(reply.status == 202)
            #expect(reply.json["accepted"] as? Int == 2)
            let errors = try #require(reply.json["errors"] as? [[String: Any]])
            #expect(errors.compactMap { $0["index"] as? Int } == [1, 2, 4])
            #expect(errors[0]["field"] as? String == "title")
            #expect(errors[2]["code"] as? String == "wrong_type")
            let results = try #require(reply.json["results"] as? [[String: Any]])
            #expect(results.compactMap { $0["index"] as? Int } == [0, 3])
            let stored = try await gateway.client.get("/api/v1/incidents")
            #expect((stored.json["incidents"] as? [Any])?.count == 2)

            let ndjson = "{\"title\": \"line one\", \"service\": \"c\"}\n{not json}\n\n{\"title\": \"line three\", \"service\": \"c\"}\n"
            let lines = try await gateway.client.post("/api/v1/events", ndjson, headers: ["Content-Type": "application/x-ndjson"])
            #expect(lines.status == 202)
            #expect(lines.json["accepted"] as? Int == 2)
            #expect((lines.json["errors"] as? [[String: Any]])?.first?["index"] as? Int == 1)

            let allBad = try await gateway.client.post("/api/v1/events", #"[{"service": "a"}, {"title": ""}]"#)
            #expect(allBad.status == 400)
            #expect((allBad.json["errors"] as? [Any])?.count == 2)

            // Alertmanager's API has no partial answer: a bad alert makes it 400, naming how many
            // of the batch were bad, and the good ones are stored all the same.
            let mixed = try await gateway.client.post("/api/v2/alerts",
                                                      #"[{"labels": {"alertname": "Kept", "service": "d"}}, {"labels": "nope"}, {"labels": {"alertname": "AlsoKept", "service": "d"}}]"#)
            #expect(mixed.status == 400)
            #expect((errorBody(mixed)["message"] as? String)?.hasPrefix("1 of 3 alerts are invalid and were not stored") == true,
                    "\(errorBody(mixed))")
            let firing = try await gateway.client.get("/api/v2/alerts").text
            #expect(firing.contains("\"AlsoKept\"") && firing.contains("\"Kept\""))
        }
    }

    @Test func oversizedAndCompressionBombsGet413() async throws {
        try await withRunningGateway(configure: { $0.http.maxBodyBytes = 64 * 1024 }) { gateway in
            let big = #"{"title": ""# + String(repeating: "a", count: 100 * 1024) + #""}"#
            let tooLarge = try await gateway.client.post("/api/v1/events", big)
            #expect(tooLarge.status == 413)
            #expect(errorBody(tooLarge)["code"] as? String == "body_too_large")

            // 20 MiB of zeros compress to about 20 KiB: small on the wire, a bomb once inflated.
            let bomb = Zlib.compress([UInt8](repeating: 0x20, count: 20 << 20))
            #expect(bomb.count < 64 * 1024)
            let deflated = try await gateway.client.post("/api/v1/events", bytes: bomb, headers: ["Content-Encoding": "deflate"])
            #expect(deflated.status == 413)
            #expect((errorBody(deflated)["message"] as? String)?.contains("decompressed") == true)

            let corrupt = try await gateway.client.post("/api/v1/events", bytes: [0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03], headers: ["Content-Encoding": "gzip"])
            #expect(corrupt.status == 400)
            #expect(errorBody(corrupt)["code"] as? String == "invalid_encoding")

            let unknown = try await gateway.client.post("/api/v1/events", "{}", headers: ["Content-Encoding": "br"])
            #expect(unknown.status == 415)

            // The gateway is still up and takes good compressed input.
            let good = Zlib.compress(Array(#"{"title": "compressed", "service": "z"}"#.utf8))
            let ok = try await gateway.client.post("/api/v1/events", bytes: good, headers: ["Content-Encoding": "deflate"])
            #expect(ok.status == 202)
            let signalID = try #require((ok.json["results"] as? [[String: Any]])?.first?["signal_id"] as? Int)
            let raw = try await gateway.client.get("/api/v1/signals/\(signalID)/raw")
            #expect(raw.text == #"{"title": "compressed", "service": "z"}"#)
        }
    }

    @Test func gzipBodiesFromTheSystemGzipAreAccepted() async throws {
        try await withRunningGateway { gateway in
            let folder = try TemporaryDirectory()
            defer { folder.remove() }
            let path = folder.file("event.json")
            try Data(#"{"title": "gzipped", "service": "g"}"#.utf8).write(to: URL(fileURLWithPath: path))
            #expect(try await ChildProcess.run("/bin/gzip", ["-9", path]).status == 0)
            let bytes = try #require(FileManager.default.contents(atPath: path + ".gz"))
            let reply = try await gateway.client.post("/api/v1/events", bytes: [UInt8](bytes), headers: ["Content-Encoding": "gzip"])
            #expect(reply.status == 202)
            #expect((reply.json["results"] as? [[String: Any]])?.first?["decision"] as? String == "opened")
        }
    }

    @Test func garbageNeverTakesTheServerDown() async throws {
        try await withRunningGateway { gateway in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<200 {
                let length = Int.random(in: 0...2048, using: &generator)
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let encoding = ["identity", "gzip", "deflate"][round % 3]
                let reply = try await gateway.client.post("/api/v1/events", bytes: bytes, headers: ["Content-Encoding": encoding])
                #expect((400..<500).contains(reply.status), "round \(round) answered \(reply.status)")
            }
            let health = try await gateway.client.get("/healthz")
            #expect(health.status == 200)
        }
    }
}
