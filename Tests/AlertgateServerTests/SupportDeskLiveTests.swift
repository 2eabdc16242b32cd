import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// Support desks on a real server: a Zendesk ticket as the shipped template renders it,
/// Intercom's and Freshdesk's bodies from `fixtures/`; the reports they make, who saw the
/// incident first and through which channel, and the reporters' privacy on the status page.
@Suite struct SupportDeskLiveTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    static func file(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// `deploy/zendesk/webhook.json` with each placeholder replaced by its value, JSON-escaped.
    static func zendeskBody() throws -> String {
        var body = try file("deploy/zendesk/webhook.json")
        let values = [
            "ticket.id": "4711", "ticket.title": "Checkout button does nothing",
            "ticket.description": "Dana Reyes, Dec 3, 2026\n\nI press \"Pay\" and nothing happens.", "ticket.link": "https://example.zendesk.com/agent/tickets/4711",
            "ticket.status": "New", "ticket.priority": "Urgent", "ticket.tags": "checkout", "ticket.via": "Mail",
            "ticket.requester.name": "Dana Reyes", "ticket.requester.email": "dana@example.com", "ticket.created_at_with_timestamp": "",
        ]
        for (name, value) in values {
            let escaped = String(String(decoding: try JSONSerialization.data(withJSONObject: [value]), as: UTF8.self).dropFirst(2).dropLast(2))
            body = body.replacingOccurrences(of: "{{\(name)}}", with: escaped)
        }
        #expect(!body.contains("{{"), "every placeholder of the template has a value")
        return body
    }

    /// `/api/v1/stats` counts each incident users saw first by the channel of its first report,
    /// read in one query for all of them, on either store.
    @Test(arguments: [false, true]) func statsCountUserReportedIncidentsByTheirFirstChannel(onPostgreSQL: Bool) async throws {
        let url = onPostgreSQL ? try await TemporaryPostgres.database() : nil
        let clock = ManualClock(try #require(RFC3339.parse("2026-12-03T09:00:00Z")))
        try await withRunningGateway(clock: clock, configure: { $0.storage.url = url }) { gateway in
            let client = gateway.client
            let zendesk = try await client.post("/api/v1/ingest/zendesk", try Self.zendeskBody())
            // Both desks report the checkout: the second opens an incident of its own once the
            // first is resolved and its reopen window has passed.
            let first = try #require((zendesk.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
            #expect(try await client.post("/api/v1/incidents/\(first)/resolve", "{}").status == 200)
            clock.advance(by: .seconds(3600))
            let freshdesk = try await client.post("/api/v1/ingest/freshdesk", try Self.file("fixtures/freshdesk/ticket-created.json"))
            let monitored = try await client.post("/api/v1/events", #"{"title": "Disk almost full", "service": "db-backups", "severity": "warning"}"#)
            var incidents: [String: Int] = [:]
            for (desk, reply) in [("zendesk", zendesk), ("freshdesk", freshdesk), ("event", monitored)] {
                #expect(reply.status == 202)
                incidents[desk] = try #require((reply.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
            }
            #expect(Set(incidents.values).count == 3, "each report opened an incident of its own: \(incidents)")
            // The period ends now, exclusive: the incidents just opened lie before it.
            clock.advance(by: .seconds(1))
            let overall = try #require(try await client.get("/api/v1/stats").json["overall"] as? [String: Any])
            #expect(overall["by_channel"] as? [String: Int] == ["zendesk": 1, "freshdesk": 1])
            #expect((overall["by_detector"] as? [String: Int])?["user_report"] == 2)
        }
    }

    @Test func reportsFromEachDeskReachTheIncidentAndTheirReportersStayPrivate() async throws {
        try await withRunningGateway { gateway in
            let client = gateway.client
            let zendesk = try await client.post("/api/v1/ingest/zendesk", try Self.zendeskBody())
            #expect(zendesk.status == 202)
            let first = try #require((zendesk.json["results"] as? [[String: Any]])?.first)
            let incidentID = try #require(first["incident_id"] as? Int)
            #expect(first["decision"] as? String == "opened")

            let created = try await client.post("/api/v1/ingest/intercom", try Self.file("fixtures/intercom/conversation-user-created.json"))
            let replied = try await client.post("/api/v1/ingest/intercom", try Self.file("fixtures/intercom/conversation-user-replied.json"))
            let createdResult = try #require((created.json["results"] as? [[String: Any]])?.first)
            let repliedResult = try #require((replied.json["results"] as? [[String: Any]])?.first)
            #expect(created.status == 202 && replied.status == 202)
            #expect(repliedResult["alert_id"] as? Int == createdResult["alert_id"] as? Int, "a reply repeats its conversation's report")
            let ping = try await client.post("/api/v1/ingest/intercom", #"{"type": "notification_event", "topic": "ping", "data": {"item": {"type": "ping", "message": "hi"}}}"#)
            #expect(ping.status == 202 && ping.json["accepted"] as? Int == 0)
            #expect(try await client.post("/api/v1/ingest/freshdesk", try Self.file("fixtures/freshdesk/ticket-created.json")).status == 202)
            let refused = try await client.post("/api/v1/ingest/freshdesk", #"{"freshdesk_webhook": {"ticket_subject": "no id"}}"#)
            #expect(refused.status == 400 && (refused.json["error"] as? [String: Any])?["field"] as? String == "freshdesk_webhook.ticket_id")

            // The incident: a user issue users saw first, through Zendesk.
            let incident = try await client.get("/api/v1/incidents/\(incidentID)").json
            #expect(incident["type"] as? String == "user_issue" && incident["detected_by"] as? String == "user_report")
            #expect(try await client.get("/api/v1/incidents/\(incidentID)/review").text.contains("Detected by: a user report through Zendesk"))
            let overall = try #require(try await client.get("/api/v1/stats").json["overall"] as? [String: Any])
            let byChannel = try #require(overall["by_channel"] as? [String: Int])
            #expect(byChannel["zendesk"] == 1)
            #expect(byChannel.values.reduce(0, +) == (overall["by_detector"] as? [String: Int])?["user_report"])

            // The ticket's link is a link; the reporter is a label engineers read.
            let signalID = try #require(first["signal_id"] as? Int)
            let signal = try #require(try await client.get("/api/v1/signals/\(signalID)").json["signal"] as? [String: Any])
            #expect((signal["links"] as? [[String: Any]])?.first?["href"] as? String == "https://example.zendesk.com/agent/tickets/4711")
            #expect((signal["labels"] as? [String: String])?["reporter"] == "Dana Reyes <dana@example.com>")

            // The status page shows the incident by its public update, never who reported or what they wrote.
            #expect(try await client.post("/api/v1/incidents/\(incidentID)/updates", #"{"text": "Some payments fail; we are on it.", "public": true}"#).status == 200)
            for path in ["/status", "/status.json", "/status.atom", "/api/v2/summary.json"] {
                let page = try await client.get(path).text
                #expect(page.contains("Some payments fail; we are on it."), "\(path) shows the incident")
                for secret in ["dana@example.com", "Dana Reyes", "lee@example.org", "Lee Park", "nothing happens", "4711", "error 502"] {
                    #expect(!page.contains(secret), "\(path) shows \(secret)")
                }
            }
        }
    }
}
