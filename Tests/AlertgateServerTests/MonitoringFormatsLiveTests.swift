import AlertgateCore
import AlertgateCompression
import AlertgateTesting
import Foundation
import Testing

/// Alertmanager, Grafana, PagerDuty and GELF bodies on a real gateway.
@Suite struct MonitoringFormatsLiveTests {
    func alertsBody(endsAt: Date, startsAt: Date) -> String {
        let format = ISO8601DateFormatter()
        return #"[{"labels": {"alertname": "CheckoutHighErrorRate", "service": "checkout", "severity": "critical"}, "annotations": {"summary": "Checkout error rate above 5%"}, "startsAt": "\#(format.string(from: startsAt))", "endsAt": "\#(format.string(from: endsAt))", "generatorURL": "http://prometheus/graph"}]"#
    }

    /// A body as `deploy/checkly/webhook.json` renders it (values without characters to escape).
    static func checkly(_ type: String, location: String) -> String {
        #"""
        {"alert_type": "\#(type)", "alert_title": "Check Checkout API \#(type == "ALERT_RECOVERY" ? "has recovered" : "has failed")",
         "check_id": "7f0e3c1a", "check_name": "Checkout API", "check_type": "API", "check_result_id": "r-\#(location)",
         "error_message": "\#(type == "ALERT_RECOVERY" ? "" : "expected 200, got 503")", "response_time": "812", "status_code": "503",
         "run_location": "\#(location)", "result_link": "https://app.checklyhq.com/checks/7f0e3c1a/results/r-\#(location)",
         "started_at": "", "tags": "shop,service:checkout", "group_name": "Shop"}
        """#
    }

    @Test func aFailingChecklyCheckOpensAnOutageThatSaysASyntheticCheckSawItFirstAndItsRecoveryResolves() async throws {
        try await withRunningGateway { gateway in
            for location in ["N. California", "Frankfurt"] {
                #expect(try await gateway.client.post("/api/v1/ingest/checkly", Self.checkly("ALERT_FAILURE", location: location)).status == 202)
            }
            let incidents = try #require(try await gateway.client.get("/api/v1/incidents?service=checkout").json["incidents"] as? [[String: Any]])
            let incident = try #require(incidents.first)
            #expect(incidents.count == 1)
            #expect(incident["type"] as? String == "outage" && incident["detected_by"] as? String == "synthetic_check")
            let id = try #require(incident["id"] as? Int)
            let detail = try await gateway.client.get("/api/v1/incidents/\(id)")
            let alerts = try #require(detail.json["alerts"] as? [[String: Any]])
            #expect(alerts.count == 1 && alerts.first?["count"] as? Int == 2, "one alert for the check, failing in two locations")
            let signals = try #require(try await gateway.client.get("/api/v1/incidents/\(id)/signals").json["signals"] as? [[String: Any]])
            // Each signal, decoded again from its stored body, names its location and links its result.
            var locations: Set<String> = [], links: Set<String> = []
            for id in signals.compactMap({ $0["id"] as? Int }) {
                let signal = try #require(try await gateway.client.get("/api/v1/signals/\(id)").json["signal"] as? [String: Any])
                locations.formUnion([(signal["labels"] as? [String: String])?["location"]].compactMap { $0 })
                links.formUnion((signal["links"] as? [[String: Any]] ?? []).compactMap { $0["href"] as? String })
            }
            #expect(locations == ["N. California", "Frankfurt"])
            #expect(links.contains("https://app.checklyhq.com/checks/7f0e3c1a/results/r-Frankfurt"))

            #expect(try await gateway.client.post("/api/v1/ingest/checkly", Self.checkly("ALERT_RECOVERY", location: "Frankfurt")).status == 202)
            #expect(try await gateway.client.get("/api/v1/incidents/\(id)").json["status"] as? String == "resolved")
            let stats = try await gateway.client.get("/api/v1/stats")
            let overall = try #require(stats.json["overall"] as? [String: Any])
            #expect((overall["by_detector"] as? [String: Int])?["synthetic_check"] == 1)
            let bad = try await gateway.client.post("/api/v1/ingest/checkly", #"{"alert_type": "ALERT_MAYBE", "check_id": "x"}"#)
            #expect(bad.status == 400 && bad.text.contains("alert_type"))
        }
    }

    @Test func prometheusResendsAreOneAlertAndAnEndsAtInThePastResolves() async throws {
        try await withRunningGateway { gateway in
            let start = Date().addingTimeInterval(-60)
            for resend in 0..<3 {
                let reply = try await gateway.client.post("/api/v2/alerts", alertsBody(endsAt: start.addingTimeInterval(240 + Double(resend)), startsAt: start))
                #expect(reply.status == 200)
                #expect(reply.body.isEmpty)
            }
            let incidents = try await gateway.client.get("/api/v1/incidents?service=checkout")
            let incident = try #require((incidents.json["incidents"] as? [[String: Any]])?.first)
            let id = try #require(incident["id"] as? Int)
            var detail = try await gateway.client.get("/api/v1/incidents/\(id)")
            var alerts = try #require(detail.json["alerts"] as? [[String: Any]])
            #expect(alerts.count == 1)
            #expect(alerts[0]["count"] as? Int == 3)
            #expect(alerts[0]["fingerprint"] as? String == "a3d9a4bfa0d26a05")
            #expect(detail.json["severity"] as? String == "SEV1")

            let resolved = try await gateway.client.post("/api/v2/alerts", alertsBody(endsAt: Date().addingTimeInterval(-1), startsAt: start))
            #expect(resolved.status == 200)
            detail = try await gateway.client.get("/api/v1/incidents/\(id)")
            alerts = try #require(detail.json["alerts"] as? [[String: Any]])
            #expect(alerts[0]["status"] as? String == "resolved")
            #expect(detail.json["status"] as? String == "resolved")
        }
    }

    @Test func invalidAlertsGet400AndTheValidOnesAreKept() async throws {
        try await withRunningGateway { gateway in
            let reply = try await gateway.client.post("/api/v2/alerts", #"[{"labels": {"alertname": "Good", "service": "a"}}, {"labels": {}}]"#)
            #expect(reply.status == 400)
            #expect(((reply.json["error"] as? [String: Any])?["message"] as? String)?.contains("1 of 2 alerts") == true)
            let incidents = try await gateway.client.get("/api/v1/incidents?service=a")
            #expect((incidents.json["incidents"] as? [Any])?.count == 1)
        }
    }

    @Test func webhookAndDirectAlertsFoldIntoOneAlert() async throws {
        try await withRunningGateway { gateway in
            let direct = try await gateway.client.post("/api/v2/alerts", alertsBody(endsAt: Date().addingTimeInterval(240), startsAt: Date()))
            #expect(direct.status == 200)
            let webhook = #"{"version": "4", "status": "firing", "receiver": "alertgate", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am", "groupKey": "{}", "truncatedAlerts": 0, "alerts": [{"status": "firing", "labels": {"alertname": "CheckoutHighErrorRate", "service": "checkout", "severity": "critical"}, "annotations": {"summary": "Checkout error rate above 5%"}, "startsAt": "2026-11-29T04:49:48.127Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "a3d9a4bfa0d26a05"}]}"#
            let reply = try await gateway.client.post("/api/v1/ingest/alertmanager", webhook)
            #expect(reply.status == 202)
            let result = try #require((reply.json["results"] as? [[String: Any]])?.first)
            #expect(result["decision"] as? String == "repeat")
            let signals = try await gateway.client.get("/api/v1/incidents/\(try #require(result["incident_id"] as? Int))/signals")
            let sources = (signals.json["signals"] as? [[String: Any]])?.compactMap { $0["source"] as? String }
            #expect(sources == ["alertmanager_webhook", "alertmanager_api"])
        }
    }

    @Test func grafanaWebhookOpensAnIncident() async throws {
        try await withRunningGateway { gateway in
            let body = #"{"receiver": "alertgate", "status": "firing", "orgId": 1, "alerts": [{"status": "firing", "labels": {"alertname": "HighCPU", "service": "db"}, "annotations": {"summary": "CPU above 90%"}, "startsAt": "2026-11-29T04:58:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "9f86d081884c7d65", "dashboardURL": "http://grafana/d/1"}], "title": "[FIRING:1] HighCPU", "state": "alerting", "message": "CPU"}"#
            let reply = try await gateway.client.post("/api/v1/ingest/grafana", body)
            #expect(reply.status == 202)
            #expect((reply.json["results"] as? [[String: Any]])?.first?["decision"] as? String == "opened")
        }
    }

    @Test func pagerDutyTriggerAcknowledgeResolve() async throws {
        try await withRunningGateway(configure: { $0.pagerduty.integrations["R0UTINGKEY0000000000000000000001"] = .init(service: "payments") }) { gateway in
            let trigger = try await gateway.client.post("/v2/enqueue", #"{"routing_key": "R0UTINGKEY0000000000000000000001", "event_action": "trigger", "payload": {"summary": "Card payments failing", "source": "pay-1", "severity": "critical"}}"#)
            #expect(trigger.status == 202)
            #expect(trigger.json["status"] as? String == "success")
            #expect(trigger.json["message"] as? String == "Event processed")
            let key = try #require(trigger.json["dedup_key"] as? String)
            #expect(key.count == 32)

            let ack = try await gateway.client.post("/v2/enqueue", #"{"routing_key": "R0UTINGKEY0000000000000000000001", "event_action": "acknowledge", "dedup_key": "\#(key)"}"#)
            #expect(ack.status == 202)
            var incidents = try await gateway.client.get("/api/v1/incidents?service=payments")
            var incident = try #require((incidents.json["incidents"] as? [[String: Any]])?.first)
            #expect(incident["status"] as? String == "acknowledged")

            let resolve = try await gateway.client.post("/v2/enqueue", #"{"routing_key": "R0UTINGKEY0000000000000000000001", "event_action": "resolve", "dedup_key": "\#(key)"}"#)
            #expect(resolve.status == 202)
            incidents = try await gateway.client.get("/api/v1/incidents?service=payments")
            incident = try #require((incidents.json["incidents"] as? [[String: Any]])?.first)
            #expect(incident["status"] as? String == "resolved")

            let invalid = try await gateway.client.post("/v2/enqueue", #"{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "x", "source": "y", "severity": "urgent"}}"#)
            #expect(invalid.status == 400)
            #expect(invalid.json["status"] as? String == "invalid event")
            #expect((invalid.json["errors"] as? [String])?.first?.contains("payload.severity") == true)

            let change = try await gateway.client.post("/v2/change/enqueue", #"{"routing_key": "R0UTINGKEY0000000000000000000001", "payload": {"summary": "Deploy payments 3.2", "source": "ci", "timestamp": "2026-11-29T04:00:00.000+0000"}}"#)
            #expect(change.status == 202)
            #expect(change.json["message"] as? String == "Change event processed")
        }
    }

    @Test func gelfOverHTTPPlainAndZlibAndLevelFilter() async throws {
        try await withRunningGateway { gateway in
            let message = #"{"version": "1.1", "host": "web-1", "short_message": "Connection refused to 10.0.0.5:5432", "level": 3, "_service": "web"}"#
            let plain = try await gateway.client.post("/gelf", message)
            #expect(plain.status == 202)
            let zlib = try await gateway.client.post("/gelf", bytes: Zlib.compress(Array(message.utf8)), headers: ["Content-Encoding": "gzip,deflate"])
            #expect(zlib.status == 202)
            let bare = try await gateway.client.post("/gelf", bytes: Zlib.compress(Array(message.utf8)))
            #expect(bare.status == 202)
            let debug = try await gateway.client.post("/gelf", #"{"version": "1.1", "host": "web-1", "short_message": "cache warmed", "level": 7, "_service": "web"}"#)
            #expect(debug.status == 202)

            let incidents = try await gateway.client.get("/api/v1/incidents?service=web")
            let incident = try #require((incidents.json["incidents"] as? [[String: Any]])?.first)
            #expect(incident["signal_count"] as? Int == 3)
            #expect(incident["alert_count"] as? Int == 1)
            let metrics = try await gateway.client.get("/metrics")
            #expect(metrics.text.contains(#"alertgate_logs_dropped_total{cause="level"} 1"#))

            let bad = try await gateway.client.post("/gelf", #"{"host": "x"}"#)
            #expect(bad.status == 400)
            #expect((bad.json["error"] as? [String: Any])?["field"] as? String == "short_message")
        }
    }
}
