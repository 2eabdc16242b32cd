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
        ("POST", "/api/v1/admin/reload", .admin, nil),
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
}
