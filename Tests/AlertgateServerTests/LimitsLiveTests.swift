import AlertgateCompression
import AlertgateCore
@testable import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// The limits that bound what requests cost, on a real server: each refusal names its limit
/// and is counted, and a known path asked with another method is 405 with `Allow`.
@Suite struct LimitsLiveTests {
    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await withRunningGateway { gateway in
            let put = try await gateway.client.request("PUT", "/api/v1/events", body: Data("{}".utf8))
            #expect(put.status == 405)
            #expect(put.header("Allow") == "POST")
            #expect((put.json["error"] as? [String: Any])?["code"] as? String == "method_not_allowed")
            let delete = try await gateway.client.request("DELETE", "/api/v1/incidents/7")
            #expect(delete.status == 405)
            #expect(delete.header("Allow") == "GET, PATCH")
            #expect(try await gateway.client.request("POST", "/healthz").header("Allow") == "GET")
            let unknown = try await gateway.client.request("GET", "/api/v1/nothing-here")
            #expect(unknown.status == 404 && unknown.header("Allow") == nil)
        }
    }

    @Test func aCompressedBodyInflatingPastTheRatioIs413AndCounted() async throws {
        try await withRunningGateway { gateway in
            // 256 KiB of one byte deflates ~1000 to 1: under the size limit, over the ratio.
            let bomb = Zlib.compress([UInt8](repeating: 0x20, count: 256 << 10))
            let refused = try await gateway.client.post("/api/v1/events", bytes: bomb, headers: ["Content-Encoding": "deflate", "Content-Type": "application/json"])
            #expect(refused.status == 413)
            let error = refused.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "compression_ratio_too_high")
            #expect((error?["message"] as? String)?.contains("http.max_compression_ratio") == true)
            // A body compressed as JSON usually is, well under the ratio, is taken.
            let events = (0..<50).map { #"{"title": "disk \#($0) full on host-\#($0 * 7919 % 1000)", "service": "s\#($0 % 5)"}"# }
            let body = Zlib.compress(Array("[\(events.joined(separator: ","))]".utf8))
            let taken = try await gateway.client.post("/api/v1/events", bytes: body, headers: ["Content-Encoding": "deflate", "Content-Type": "application/json"])
            #expect(taken.status == 202)
            let metrics = try await gateway.client.get("/metrics").text
            #expect(metrics.contains(#"alertgate_limits_hit_total{limit="http.max_compression_ratio"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"alertgate_rejected_total{source="events",cause="too_large"} 1"#))
        }
    }

    @Test func passedDecoderLimitsNameTheLimitAndAreCounted() async throws {
        try await withRunningGateway { gateway in
            let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
            let tooDeep = try await gateway.client.post("/api/v1/events", deep)
            #expect(tooDeep.status == 400 && (tooDeep.json["error"] as? [String: Any])?["code"] as? String == "too_deep")
            let labels = (0..<500).map { #""l\#($0)": "v""# }.joined(separator: ",")
            let manyLabels = try await gateway.client.post("/api/v2/alerts", #"[{"labels": {\#(labels)}}]"#)
            #expect(manyLabels.status == 400)
            #expect((manyLabels.json["error"] as? [String: Any])?["code"] as? String == "too_many_entries")
            let metrics = try await gateway.client.get("/metrics").text
            #expect(metrics.contains(#"alertgate_limits_hit_total{limit="json_depth"} 1"#))
            #expect(metrics.contains(#"alertgate_limits_hit_total{limit="map_entries"} 1"#))
        }
    }

    /// A request whose body is still arriving holds its place: past the bounds, others get
    /// 503 with Retry-After at once; a request without a body still fits.
    @Test func requestsPastTheInflightBoundsAre503WithRetryAfter() async throws {
        try await withRunningGateway(configure: { $0.http.maxInflightBodyBytes = 65536 }) { gateway in
            let port = Int(gateway.baseURL.split(separator: ":").last!)!
            let slow = try RawConnection(port: port)
            slow.send("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n[")
            // Holding its place before any other request asks: otherwise one may come first and
            // the slow one be the request refused.
            try #require(try await eventually(timeout: .seconds(30)) { gateway.gateway.admission.held.bytes == 60000 })
            let busy = try await eventually(timeout: .seconds(30)) {
                try await gateway.client.post("/api/v1/events", #"{"title": "x", "service": "s"}"# + String(repeating: " ", count: 8000)).status == 503
            }
            #expect(busy)
            let refused = try await gateway.client.post("/api/v1/events", #"{"title": "x", "service": "s"}"# + String(repeating: " ", count: 8000))
            #expect(refused.header("Retry-After") == "1")
            #expect(((refused.json["error"] as? [String: Any])?["message"] as? String)?.contains("http.max_inflight_body_bytes") == true)
            #expect(try await gateway.client.get("/healthz").status == 200)
            #expect(try await gateway.client.get("/metrics").text.contains(#"alertgate_limits_hit_total{limit="http.max_inflight_body_bytes"}"#))
            // Swift may end an object's life after its last use: its deinit would close the slow
            // connection, and with it the request holding its place.
            withExtendedLifetime(slow) {}
        }
        try await withRunningGateway(configure: { $0.http.maxConcurrentRequests = 1 }) { gateway in
            let port = Int(gateway.baseURL.split(separator: ":").last!)!
            let slow = try RawConnection(port: port)
            slow.send("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[")
            try #require(try await eventually(timeout: .seconds(30)) { gateway.gateway.admission.held.requests == 1 })
            let busy = try await eventually(timeout: .seconds(30)) { try await gateway.client.get("/healthz").status == 503 }
            #expect(busy)
            let refused = try await gateway.client.get("/healthz")
            #expect(((refused.json["error"] as? [String: Any])?["message"] as? String)?.contains("http.max_concurrent_requests") == true)
            withExtendedLifetime(slow) {}
        }
    }
}

/// The config as `/api/v2/status` shows it (what `amtool config show` prints): secrets redacted.
@Suite struct ConfigRedactionTests {
    static let config = """
        http:
          host: 127.0.0.1
        auth:
          tokens:
            - {name: ops, sha256: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", scopes: [admin]}
        pagerduty:
          integrations:
            R0UT1NGKEY0000000000000000000001: {service: checkout}
        receivers:
          - name: hook
            webhook:
              url: https://bot:hunter2@hooks.example/alertgate
              secret: s3cr3t-hmac-key
              headers: {Authorization: Bearer abc.def.ghi}
          - name: chat
            slack: {url: https://hooks.slack.com/services/T000/B000/XXXXSECRET, channel: "#ops"}
          - name: pager
            pagerduty: {routing_key: PDKEY1234567890}
        routes:
          - receivers: [hook]
        """

    @Test func secretsAreReplacedAndTheRestIsKept() throws {
        let shown = try #require(ConfigRedaction.redact(Self.config))
        for secret in ["0f1e2d3c4b5a6978", "R0UT1NGKEY", "hunter2", "s3cr3t-hmac-key", "abc.def.ghi", "XXXXSECRET", "PDKEY1234567890"] {
            #expect(!shown.contains(secret), "\(secret) is shown:\n\(shown)")
        }
        for kept in ["127.0.0.1", "checkout", "https://hooks.example/alertgate", "#ops", "name: pager", "scopes"] {
            #expect(shown.contains(kept), "\(kept) is missing:\n\(shown)")
        }
        #expect(shown.contains("<secret>"))
    }

    @Test func theStatusRouteShowsTheRedactedFile() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.yaml")
        try Self.config.write(toFile: path, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: path, configure: { $0.policy.tokens = [] }) { gateway in
            let status = try await gateway.client.get("/api/v2/status").json
            let original = (status["config"] as? [String: Any])?["original"] as? String ?? ""
            #expect(original.contains("<secret>") && original.contains("checkout"))
            #expect(!original.contains("s3cr3t-hmac-key") && !original.contains("hunter2"))
        }
    }
}
