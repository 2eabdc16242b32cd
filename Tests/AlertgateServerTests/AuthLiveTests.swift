import AlertgateCore
@testable import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// Tokens on a real server: every route with no token, a wrong token, and a token of each
/// scope; the ways clients present them; the token's name as the `by` of what it does.
@Suite struct AuthLiveTests {
    /// One token per scope, named after it.
    static let tokens: [AuthScope: String] = Dictionary(uniqueKeysWithValues: AuthScope.allCases.map { ($0, "agt_test_\($0.rawValue)_0123456789") })

    static func configure(_ config: inout GatewayConfig) {
        config.policy.tokens = AuthScope.allCases.map { AuthToken(name: "\($0.rawValue)-bot", sha256: TokenCheck.sha256(tokens[$0]!), scopes: [$0]) }
    }

    /// Every route alertgate serves, with the scope it needs (nil: public) and a body.
    static let routes: [(method: String, path: String, need: AuthScope?, body: String?)] = [
        ("GET", "/healthz", nil, nil), ("GET", "/readyz", nil, nil),
        ("POST", "/api/v1/events", .ingest, #"{"title": "x", "service": "s"}"#),
        ("POST", "/api/v1/changes", .ingest, #"{"title": "deploy", "service": "s"}"#),
        ("POST", "/api/v1/reports", .ingest, #"{"title": "broken", "text": "the page hangs"}"#),
        ("POST", "/api/v1/ingest/alertmanager", .ingest, "{}"), ("POST", "/api/v1/ingest/grafana", .ingest, "{}"),
        ("POST", "/api/v2/alerts", .ingest, #"[{"labels": {"alertname": "A"}}]"#),
        ("POST", "/v2/enqueue", .ingest, "{}"), ("POST", "/v2/change/enqueue", .ingest, "{}"),
        ("POST", "/v1/traces", .ingest, "{}"), ("POST", "/gelf", .ingest, "{}"),
        ("GET", "/api/v1/heartbeats/nightly", .ingest, nil), ("POST", "/api/v1/heartbeats/nightly/fail", .ingest, "exit 1"),
        ("GET", "/api/v1/heartbeats/nightly/start", .ingest, nil), ("GET", "/api/v1/heartbeats", .read, nil),
        ("GET", "/api/v1/incidents", .read, nil), ("GET", "/api/v1/incidents/1", .read, nil),
        ("GET", "/api/v1/incidents/1/signals", .read, nil), ("GET", "/api/v1/incidents/1/review", .read, nil),
        ("GET", "/api/v1/incidents/1/notifications", .read, nil), ("GET", "/api/v1/notifications", .read, nil),
        ("GET", "/api/v1/signals/1", .read, nil), ("GET", "/api/v1/signals/1/raw", .read, nil),
        ("GET", "/api/v1/services", .read, nil), ("GET", "/api/v1/stats", .read, nil),
        ("GET", "/api/v1/silences", .read, nil), ("GET", "/api/v1/silences/1", .read, nil),
        ("GET", "/api/v2/alerts", .read, nil), ("GET", "/api/v2/silences", .read, nil), ("GET", "/api/v2/silence/1", .read, nil),
        ("GET", "/api/v2/status", .read, nil),
        ("PATCH", "/api/v1/incidents/1", .write, "{}"),
        ("POST", "/api/v1/incidents/1/acknowledge", .write, "{}"), ("POST", "/api/v1/incidents/1/resolve", .write, "{}"),
        ("POST", "/api/v1/incidents/1/close", .write, "{}"), ("POST", "/api/v1/incidents/1/reopen", .write, "{}"),
        ("POST", "/api/v1/incidents/1/notes", .write, #"{"note": "n"}"#), ("POST", "/api/v1/incidents/1/updates", .write, #"{"text": "t"}"#),
        ("POST", "/api/v1/silences", .write, #"{"matchers": ["service=s"], "duration": "1h"}"#),
        ("DELETE", "/api/v1/silences/1", .write, nil), ("DELETE", "/api/v1/silences?service=s", .write, nil),
        ("POST", "/api/v2/silences", .write, "{}"), ("DELETE", "/api/v2/silence/1", .write, nil),
        ("POST", "/api/v1/admin/reload", .admin, nil), ("GET", "/api/v1/audit", .admin, nil),
    ]

    @Test func everyRouteAsksForItsScope() async throws {
        try await withRunningGateway(configure: Self.configure) { gateway in
            let client = gateway.client
            for route in Self.routes {
                let body = route.body.map { Data($0.utf8) }
                let anonymous = try await client.request(route.method, route.path, body: body)
                let wrong = try await client.request(route.method, route.path, body: body, headers: ["Authorization": "Bearer agt_not_a_token"])
                guard let need = route.need else {
                    #expect(anonymous.status == 200 && wrong.status == 200, "\(route.method) \(route.path) is public")
                    continue
                }
                #expect(anonymous.status == 401, "\(route.method) \(route.path) without a token: \(anonymous.status)")
                #expect(anonymous.header("WWW-Authenticate") == #"Bearer realm="alertgate""#)
                #expect((anonymous.json["error"] as? [String: Any])?["code"] as? String == "unauthenticated")
                #expect(wrong.status == 401 && (wrong.json["error"] as? [String: Any])?["code"] as? String == "invalid_token",
                        "\(route.method) \(route.path) with a wrong token: \(wrong.status)")
                for scope in AuthScope.allCases {
                    let reply = try await client.request(route.method, route.path, body: body,
                                                         headers: ["Authorization": "Bearer \(Self.tokens[scope]!)"])
                    if scope == need || scope == .admin {
                        #expect(reply.status != 401 && reply.status != 403, "\(route.method) \(route.path) with \(scope): \(reply.status) \(reply.text)")
                    } else {
                        #expect(reply.status == 403, "\(route.method) \(route.path) with \(scope): \(reply.status)")
                        #expect((reply.json["error"] as? [String: Any])?["code"] as? String == "insufficient_scope")
                    }
                }
            }
            let metrics = try await client.request("GET", "/metrics", headers: ["Authorization": "Bearer \(Self.tokens[.read]!)"])
            #expect(metrics.text.contains(#"alertgate_auth_failures_total{cause="insufficient_scope"}"#))
        }
    }

    @Test func clientsPresentTokensTheirOwnWayAndTheNameIsTheActor() async throws {
        try await withRunningGateway(configure: Self.configure) { gateway in
            let client = gateway.client
            let ingest = Self.tokens[.ingest]!
            // Prometheus's basic_auth: the token is the password.
            let basic = "Basic " + Data("prometheus:\(ingest)".utf8).base64EncodedString()
            #expect(try await client.request("POST", "/api/v2/alerts", body: Data(#"[{"labels": {"alertname": "Down", "service": "api"}}]"#.utf8),
                                             headers: ["Authorization": basic]).status == 200)
            // A token in the URL, for clients that set no headers.
            #expect(try await client.post("/api/v1/events?token=\(ingest)", #"{"title": "x", "service": "api"}"#).status == 202)
            // PagerDuty's routing_key.
            let pagerDuty = try await client.post("/v2/enqueue", #"{"routing_key": "\#(ingest)", "event_action": "trigger", "payload": {"summary": "s", "source": "api", "severity": "critical"}}"#)
            #expect(pagerDuty.status == 202)
            let unknownKey = try await client.post("/v2/enqueue", #"{"routing_key": "R0UTINGKEY", "event_action": "trigger", "payload": {"summary": "s", "source": "api", "severity": "critical"}}"#)
            #expect(unknownKey.status == 401 && (unknownKey.json["error"] as? [String: Any])?["code"] as? String == "invalid_token")
            // A token used as a routing key is not kept as the alert's label (the raw body, which
            // alertgate keeps byte for byte, still holds it).
            let read = ["Authorization": "Bearer \(Self.tokens[.read]!)"]
            let alerts = try await client.request("GET", "/api/v2/alerts", headers: read).text
            #expect(!alerts.contains(ingest) && alerts.contains("token:ingest-bot"), "\(alerts)")

            // The `by` a body claims gives way to the token's name.
            let write = ["Authorization": "Bearer \(Self.tokens[.write]!)"]
            #expect(try await client.request("POST", "/api/v1/incidents/1/acknowledge", body: Data(#"{"by": "mallory"}"#.utf8), headers: write).status == 200)
            let silence = try await client.request("POST", "/api/v1/silences", body: Data(#"{"matchers": ["service=api"], "duration": "1h", "created_by": "mallory"}"#.utf8), headers: write)
            #expect(silence.json["created_by"] as? String == "write-bot")
            let detail = try await client.request("GET", "/api/v1/incidents/1", headers: ["Authorization": "Bearer \(Self.tokens[.read]!)"])
            let acknowledged = (detail.json["timeline"] as? [[String: Any]])?.first { $0["kind"] as? String == "acknowledged" }
            #expect(acknowledged?["by"] as? String == "write-bot")
            // /metrics is open to this machine without a token.
            #expect(try await client.get("/metrics").status == 200)
        }
    }

    @Test func withoutTokensNothingIsAskedOnLoopbackAndOtherAddressesAreRefused() async throws {
        let status = try await withRunningGateway { gateway in
            try await gateway.client.post("/api/v1/events", #"{"title": "x", "service": "api"}"#).status
        }
        #expect(status == 202)
        var open = GatewayConfig()
        open.http.host = "0.0.0.0"
        #expect(throws: ConfigError.self) { try open.requireTokensBeyondLoopback() }
        open.http.insecure = true
        try open.requireTokensBeyondLoopback()
        var guarded = GatewayConfig()
        guarded.http.host = "0.0.0.0"
        Self.configure(&guarded)
        try guarded.requireTokensBeyondLoopback()
    }

    @Test func aConfiguredPagerDutyIntegrationKeyAuthenticatesAsIngest() async throws {
        try await withRunningGateway(configure: {
            Self.configure(&$0)
            $0.pagerduty.integrations["R0UTINGKEY0000000000000000000001"] = .init(service: "payments")
        }) { gateway -> Void in
            let event = #"{"routing_key": "R0UTINGKEY0000000000000000000001", "event_action": "trigger", "payload": {"summary": "Card payments failing", "source": "pay-1", "severity": "critical"}}"#
            let sent = try await gateway.client.post("/v2/enqueue", event).status
            #expect(sent == 202)
            // It sends events, and nothing else.
            let read = try await gateway.client.get("/api/v1/incidents?token=R0UTINGKEY0000000000000000000001").status
            #expect(read == 401)
        }
    }

    @Test func everyWriteActionIsAuditedWithItsTokenAndAddress() async throws {
        try await withRunningGateway(configure: Self.configure) { gateway -> Void in
            let client = gateway.client
            let bearer = { (scope: AuthScope) in ["Authorization": "Bearer \(Self.tokens[scope]!)"] }
            _ = try await client.request("POST", "/api/v1/events", body: Data(#"{"title": "x", "service": "api"}"#.utf8), headers: bearer(.ingest))
            _ = try await client.request("POST", "/api/v1/incidents/1/acknowledge?token=\(Self.tokens[.write]!)&x=1", body: Data("{}".utf8))
            _ = try await client.request("POST", "/api/v1/incidents/1/resolve", body: Data("{}".utf8), headers: bearer(.read))
            _ = try await client.request("POST", "/api/v1/incidents/1/resolve", body: Data("{}".utf8))
            _ = try await client.request("GET", "/api/v1/incidents/1", headers: bearer(.read))
            #expect(try await client.request("GET", "/api/v1/audit", headers: bearer(.read)).status == 403)
            let reply = try await client.request("GET", "/api/v1/audit", headers: bearer(.admin))
            let entries = try #require(reply.json["entries"] as? [[String: Any]])
            // Newest first: the refused read of the log, the unauthenticated and the unauthorized
            // resolves, the acknowledgement; neither the ingest nor the read is a write action.
            #expect(entries.map { $0["path"] as? String } == ["/api/v1/audit", "/api/v1/incidents/1/resolve", "/api/v1/incidents/1/resolve",
                                                                "/api/v1/incidents/1/acknowledge"])
            #expect(entries.map { $0["status"] as? Int } == [403, 401, 403, 200])
            #expect(entries.map { $0["actor"] as? String } == ["read-bot", nil, "read-bot", "write-bot"])
            #expect(entries.allSatisfy { $0["address"] as? String == "127.0.0.1" && $0["method"] as? String != nil })
            // A token sent in the query is not written to the log.
            #expect(entries.last?["detail"] as? String == "x=1" && !reply.text.contains(Self.tokens[.write]!))
        }
    }

    @Test func overTheRateLimitIs429WithRetryAfter() async throws {
        let clock = ManualClock(Timestamp(Date()))
        try await withRunningGateway(clock: clock, configure: {
            Self.configure(&$0)
            $0.http.rateLimitPerToken = .init(rate: 1, burst: 2)
            $0.http.rateLimitPerAddress = .init(rate: 1, burst: 4)
        }) { gateway -> Void in
            let client = gateway.client
            let read = ["Authorization": "Bearer \(Self.tokens[.read]!)"]
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await client.request("GET", "/api/v1/incidents", headers: read).status) }
            #expect(statuses == [200, 200, 429])
            let limited = try await client.request("GET", "/api/v1/incidents", headers: read)
            #expect(limited.header("Retry-After") == "1" && (limited.json["error"] as? [String: Any])?["code"] as? String == "rate_limited")
            // Another token has its own bucket (its GET is then refused for its scope, not its rate);
            // the address's bucket (4 at once) counts only what the token limit let through: 2, 3, 4, then 429.
            let write = ["Authorization": "Bearer \(Self.tokens[.write]!)"]
            #expect(try await client.request("GET", "/api/v1/incidents", headers: write).status == 403)
            #expect(try await client.request("GET", "/api/v1/incidents", headers: write).status == 403)
            #expect(try await client.request("GET", "/api/v1/incidents", headers: write).status == 429)
            // Health is never limited; a second later the token may go again.
            #expect(try await client.get("/healthz").status == 200)
            clock.advance(by: .seconds(5))
            #expect(try await client.request("GET", "/api/v1/incidents", headers: read).status == 200)
            #expect(try await client.get("/metrics").text.contains(#"alertgate_rejected_total{source="any",cause="rate_limited"}"#))
        }
    }

    /// Slowloris: a connection that trickles half a request head is closed after
    /// `http.header_timeout`, while others are served; so is an idle keep-alive connection.
    @Test func aSlowClientIsClosedAfterTheHeaderTimeout() async throws {
        try await withRunningGateway(configure: { $0.http.headerTimeout = .seconds(1) }) { gateway -> Void in
            let port = Int(gateway.baseURL.split(separator: ":").last!)!
            let slow = try RawConnection(port: port)
            slow.send("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
            // Meanwhile a whole request is answered.
            #expect(try await gateway.client.get("/healthz").status == 200)
            #expect(try await slow.closedByPeer(within: .seconds(20)))
            #expect(slow.received.isEmpty)
            // A keep-alive connection that asks nothing more after its answer is closed too.
            let idle = try RawConnection(port: port)
            idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(try await idle.closedByPeer(within: .seconds(20)))
            #expect(idle.received.hasPrefix("HTTP/1.1 200"))
        }
    }
}
