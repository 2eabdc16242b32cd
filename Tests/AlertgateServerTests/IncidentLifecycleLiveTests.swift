import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// The whole path on a real server: post, query, acknowledge, resolve.
@Suite struct IncidentLifecycleLiveTests {
    @Test func postQueryAcknowledgeResolve() async throws {
        try await withRunningGateway { gateway in
            let client = gateway.client
            let first = try await client.post("/api/v1/events", #"{"title": "Checkout latency p99 > 2s", "service": "checkout", "severity": "critical", "labels": {"env": "prod"}}"#)
            #expect(first.status == 202)
            let result = try #require((first.json["results"] as? [[String: Any]])?.first)
            #expect(result["decision"] as? String == "opened")
            let incidentID = try #require(result["incident_id"] as? Int)

            let again = try await client.post("/api/v1/events", #"[{"title": "Checkout latency p99 > 2s", "service": "checkout", "severity": "critical", "labels": {"env": "prod"}}, {"title": "Checkout 5xx rate", "service": "checkout"}]"#)
            #expect(again.status == 202)
            let decisions = (again.json["results"] as? [[String: Any]])?.compactMap { $0["decision"] as? String }
            #expect(decisions == ["repeat", "attached"])
            #expect((again.json["results"] as? [[String: Any]])?.allSatisfy { $0["incident_id"] as? Int == incidentID } == true)

            let list = try await client.get("/api/v1/incidents?status=open&service=checkout")
            let incidents = try #require(list.json["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1)
            #expect(incidents[0]["severity"] as? String == "SEV1")
            #expect(incidents[0]["signal_count"] as? Int == 3)
            #expect(incidents[0]["alert_count"] as? Int == 2)

            let ack = try await client.post("/api/v1/incidents/\(incidentID)/acknowledge", #"{"by": "alice", "note": "looking at the DB"}"#)
            #expect(ack.status == 200)
            #expect(ack.json["status"] as? String == "acknowledged")
            #expect(ack.json["acknowledged_at"] is String)

            let note = try await client.post("/api/v1/incidents/\(incidentID)/notes", #"{"by": "alice", "note": "rolled back 1.4.2"}"#)
            #expect(note.status == 200)

            let resolved = try await client.post("/api/v1/incidents/\(incidentID)/resolve", #"{"by": "bob"}"#)
            #expect(resolved.status == 200)
            #expect(resolved.json["status"] as? String == "resolved")
            let alerts = try #require(resolved.json["alerts"] as? [[String: Any]])
            #expect(alerts.allSatisfy { $0["status"] as? String == "resolved" })

            let timeline = try #require(resolved.json["timeline"] as? [[String: Any]])
            let kinds = timeline.compactMap { $0["kind"] as? String }
            #expect(kinds.first == "opened")
            let ackIndex = try #require(kinds.firstIndex(of: "acknowledged"))
            let noteIndex = try #require(kinds.firstIndex(of: "note"))
            let resolveIndex = try #require(kinds.firstIndex(of: "resolved"))
            #expect(ackIndex < noteIndex && noteIndex < resolveIndex)
            #expect(timeline[noteIndex]["text"] as? String == "rolled back 1.4.2")
            #expect(timeline[ackIndex]["by"] as? String == "alice")

            let closedFilter = try await client.get("/api/v1/incidents?status=open")
            #expect((closedFilter.json["incidents"] as? [Any])?.isEmpty == true)

            let conflict = try await client.post("/api/v1/incidents/\(incidentID)/acknowledge", "{}")
            #expect(conflict.status == 409)
            #expect((conflict.json["error"] as? [String: Any])?["code"] as? String == "invalid_transition")
        }
    }

    @Test func signalShowsWhyAndRawBytes() async throws {
        try await withRunningGateway { gateway in
            let body = "{\"title\":\"Disk full\",  \"service\":\"db\", \"labels\":{\"host\":\"db-1\"}, \"description\":\"/var at 100%\"}\n"
            let posted = try await gateway.client.post("/api/v1/events", body, headers: ["Content-Type": "application/json; charset=utf-8"])
            let result = try #require((posted.json["results"] as? [[String: Any]])?.first)
            let signalID = try #require(result["signal_id"] as? Int)

            let signal = try await gateway.client.get("/api/v1/signals/\(signalID)")
            #expect(signal.status == 200)
            let why = try #require(signal.json["why"] as? [String: Any])
            #expect(why["rule"] as? String == "correlate.new_incident")
            #expect(why["key"] as? String == "db")
            #expect(why["window"] as? String == "correlation_window")
            #expect((signal.json["fingerprint"] as? String)?.count == 16)
            let normalized = try #require(signal.json["signal"] as? [String: Any])
            #expect(normalized["description"] as? String == "/var at 100%")
            #expect((normalized["labels"] as? [String: String])?["host"] == "db-1")

            let raw = try await gateway.client.get("/api/v1/signals/\(signalID)/raw")
            #expect(raw.status == 200)
            #expect(raw.body == Data(body.utf8))
            #expect(raw.header("Content-Type") == "application/json; charset=utf-8")
        }
    }

    @Test func incidentListFiltersAndCursor() async throws {
        try await withRunningGateway { gateway in
            for service in ["api", "web", "db", "cache", "queue"] {
                let reply = try await gateway.client.post("/api/v1/events", #"{"title": "\#(service) down", "service": "\#(service)", "severity": "warning"}"#)
                #expect(reply.status == 202)
            }
            let page1 = try await gateway.client.get("/api/v1/incidents?limit=2")
            let first = try #require(page1.json["incidents"] as? [[String: Any]])
            #expect(first.compactMap { $0["service"] as? String } == ["queue", "cache"])
            let cursor = try #require(page1.json["next_cursor"] as? String)
            let page2 = try await gateway.client.get("/api/v1/incidents?limit=2&cursor=\(cursor)")
            #expect((page2.json["incidents"] as? [[String: Any]])?.compactMap { $0["service"] as? String } == ["db", "web"])
            let page3 = try await gateway.client.get("/api/v1/incidents?limit=2&cursor=\(try #require(page2.json["next_cursor"] as? String))")
            #expect((page3.json["incidents"] as? [[String: Any]])?.compactMap { $0["service"] as? String } == ["api"])
            #expect(page3.json["next_cursor"] is NSNull)

            let search = try await gateway.client.get("/api/v1/incidents?q=cache")
            #expect((search.json["incidents"] as? [[String: Any]])?.count == 1)
            let severity = try await gateway.client.get("/api/v1/incidents?severity=SEV3&service=db")
            #expect((severity.json["incidents"] as? [[String: Any]])?.count == 1)
            let none = try await gateway.client.get("/api/v1/incidents?severity=SEV1")
            #expect((none.json["incidents"] as? [[String: Any]])?.isEmpty == true)
            let bad = try await gateway.client.get("/api/v1/incidents?status=sleeping")
            #expect(bad.status == 400)
            #expect((bad.json["error"] as? [String: Any])?["field"] as? String == "status")
        }
    }

    @Test func reportsAndChangesHaveTheirDefaults() async throws {
        try await withRunningGateway(configure: { config in
            config.policy.catalog = ServiceCatalog(services: [.init(name: "checkout", publicName: "Checkout", publicGroup: "Shop")])
        }) { gateway in
            let change = try await gateway.client.post("/api/v1/changes", #"{"title": "Deploy checkout 1.4.2", "service": "checkout", "version": "1.4.2"}"#)
            #expect(change.status == 202)
            #expect((change.json["results"] as? [[String: Any]])?.first?["decision"] as? String == "recorded")

            let report = try await gateway.client.post("/api/v1/reports", #"{"title": "Cannot pay with card", "service": "checkout", "category": "payments", "reporter": "support-17"}"#)
            let result = try #require((report.json["results"] as? [[String: Any]])?.first)
            #expect(result["decision"] as? String == "opened")
            let incidentID = try #require(result["incident_id"] as? Int)
            let detail = try await gateway.client.get("/api/v1/incidents/\(incidentID)")
            #expect(detail.json["type"] as? String == "user_issue")
            #expect(detail.json["detected_by"] as? String == "user_report")
            #expect(detail.json["report_count"] as? Int == 1)
            #expect((detail.json["reports"] as? [Any])?.count == 1)
            let suspects = try #require(detail.json["suspect_changes"] as? [[String: Any]])
            #expect(suspects.first?["title"] as? String == "Deploy checkout 1.4.2")

            // Forwarded as a support tool sends it, without a title: it joins the same incident,
            // titled by its subject, the user's words kept as its description.
            let forwarded = try await gateway.client.post("/api/v1/reports", #"""
                {"subject": "Payment page spins forever", "text": "Hi,\nI tried three cards.", "service": "checkout", "reporter": "ana@example.com"}
                """#)
            #expect(forwarded.status == 202)
            let joined = try #require((forwarded.json["results"] as? [[String: Any]])?.first)
            #expect(joined["incident_id"] as? Int == incidentID)
            let signal = try await gateway.client.get("/api/v1/signals/\(try #require(joined["signal_id"] as? Int))")
            #expect(signal.json["title"] as? String == "Payment page spins forever")
            #expect((signal.json["signal"] as? [String: Any])?["description"] as? String == "Hi,\nI tried three cards.")

            // The reporters' contacts and words stay private: the status page shows the incident
            // by its public update, never who reported it or what they wrote.
            #expect(try await gateway.client.post("/api/v1/incidents/\(incidentID)/updates",
                                                  #"{"text": "Card payments fail for some customers.", "public": true}"#).status == 200)
            for path in ["/status", "/status.json", "/status.atom", "/api/v2/summary.json"] {
                let page = try await gateway.client.get(path).text
                #expect(page.contains("Card payments fail for some customers."), "\(path) shows the incident")
                for secret in ["ana@example.com", "support-17", "I tried three cards"] {
                    #expect(!page.contains(secret), "\(path) shows \(secret)")
                }
            }
        }
    }
}

/// Status updates and the review draft on a real server, and `alertgate incidents review`.
@Suite struct IncidentReviewLiveTests {
    @Test func updatesAndTheReviewDraft() async throws {
        try await withRunningGateway { gateway in
            let client = gateway.client
            _ = try await client.post("/api/v1/changes", #"{"title": "Deploy checkout v2.4.1", "service": "checkout"}"#)
            let opened = try await client.post("/api/v1/events", #"{"title": "CheckoutErrors", "service": "checkout", "severity": "error"}"#)
            let id = try #require((opened.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)

            let update = try await client.post("/api/v1/incidents/\(id)/updates", #"{"text": "Some payments fail; we are on it.", "public": true, "by": "ana"}"#)
            #expect(update.status == 200)
            let entry = try #require((update.json["timeline"] as? [[String: Any]])?.last)
            #expect(entry["kind"] as? String == "update" && entry["public"] as? Bool == true && entry["by"] as? String == "ana")
            let quiet = try await client.post("/api/v1/incidents/\(id)/updates", #"{"status": "Rolling back v2.4.1"}"#)
            #expect((quiet.json["timeline"] as? [[String: Any]])?.last?["public"] as? Bool == false)
            let empty = try await client.post("/api/v1/incidents/\(id)/updates", #"{"public": true}"#)
            #expect(empty.status == 400)
            #expect((empty.json["error"] as? [String: Any])?["field"] as? String == "text")
            let wrong = try await client.post("/api/v1/incidents/\(id)/updates", #"{"text": "x", "public": "yes"}"#)
            #expect(wrong.status == 400)
            _ = try await client.post("/api/v1/incidents/\(id)/resolve", #"{"by": "ana"}"#)

            let review = try await client.get("/api/v1/incidents/\(id)/review")
            #expect(review.status == 200)
            #expect(review.header("Content-Type")?.hasPrefix("text/markdown") == true)
            for part in ["# Incident \(id): CheckoutErrors", "- Detected by: monitoring", "Deploy checkout v2.4.1", "**rollback candidate**",
                         "public update by ana: Some payments fail; we are on it.", "update: Rolling back v2.4.1", "- Time to resolve:", "## Root cause"] {
                #expect(review.text.contains(part), "missing: \(part)")
            }
            #expect(try await client.get("/api/v1/incidents/999/review").status == 404)

            let folder = try TemporaryDirectory(prefix: "alertgate-review")
            defer { folder.remove() }
            let cli = try await ChildProcess.alertgate(["incidents", "review", String(id), "--output", folder.file("review.md"), "--server", gateway.baseURL])
            #expect(cli.status == 0, "\(cli.err)")
            #expect((try? String(contentsOfFile: folder.file("review.md"), encoding: .utf8))?.contains("# Incident \(id): CheckoutErrors") == true)
        }
    }

    @Test func statsOverAPeriodAndFromTheCommandLine() async throws {
        try await withRunningGateway { gateway in
            let client = gateway.client
            for body in [#"{"title": "Down", "service": "checkout", "severity": "critical", "labels": {"team": "payments"}}"#,
                         #"{"title": "Broken", "service": "search", "labels": {"team": "discovery"}}"#] {
                _ = try await client.post("/api/v1/events", body)
            }
            for _ in 0..<3 { _ = try await client.post("/api/v1/events", #"{"title": "Down", "service": "checkout", "severity": "critical", "labels": {"team": "payments"}}"#) }
            _ = try await client.post("/api/v1/incidents/1/acknowledge", #"{"by": "ana"}"#)
            _ = try await client.post("/api/v1/incidents/1/resolve", #"{"by": "ana"}"#)

            let stats = try await client.get("/api/v1/stats")
            #expect(stats.status == 200)
            let overall = try #require(stats.json["overall"] as? [String: Any])
            #expect(overall["incidents"] as? Int == 2)
            #expect((overall["by_severity"] as? [String: Int])?["SEV1"] == 1)
            #expect((overall["time_to_resolve"] as? [String: Any])?["count"] as? Int == 1)
            #expect(overall["detected_by_users"] as? Double == 0)
            #expect((stats.json["teams"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.sorted() == ["discovery", "payments"])
            #expect((stats.json["noisiest_alerts"] as? [[String: Any]])?.first?["count"] as? Int == 4)
            #expect(stats.json["signals"] as? Int == 2, "the store's counts stay")
            #expect(stats.json["repeats_folded"] as? Int == 3, "the three unchanged \"Down\" repeats folded")

            let empty = try await client.get("/api/v1/stats?since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z")
            #expect((empty.json["overall"] as? [String: Any])?["incidents"] as? Int == 0)
            #expect(try await client.get("/api/v1/stats?since=2020-01-02T00:00:00Z&until=2020-01-01T00:00:00Z").status == 400)

            let cli = try await ChildProcess.alertgate(["stats", "--server", gateway.baseURL])
            #expect(cli.status == 0, "\(cli.err)")
            let out = cli.out
            #expect(out.contains("GROUP") && out.contains("team payments") && out.contains("service checkout"))
        }
    }
}
