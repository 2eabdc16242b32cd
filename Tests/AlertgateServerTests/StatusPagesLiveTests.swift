@testable import AlertgateServer
import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// Named status pages and component states set by hand, on a real server.
@Suite struct StatusPagesLiveTests {
    static let token = "pages-test-token"

    static func withGateway(_ body: (TestHTTPClient, [String: String]) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let configPath = folder.file("alertgate.yaml")
        try """
        catalog:
          services:
            - {name: checkout, public: {name: Checkout}}
            - {name: partner-api, public: {name: Partner API, page: partners}}
            - {name: ledger}
        maintenance:
          - name: weekly
            matchers: ["service=checkout"]
            weekly: {days: [sun, mon, tue, wed, thu, fri, sat], from: "00:00", to: "23:59", time_zone: UTC}
          - name: weekly-last-minute
            matchers: ["service=checkout"]
            weekly: {days: [sun, mon, tue, wed, thu, fri, sat], from: "23:59", to: "00:00", time_zone: UTC}
        auth:
          tokens:
            - {name: ops, sha256: "\(TokenCheck.sha256(token))", scopes: [ingest, read, write]}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: configPath) { gateway in
            try await body(gateway.client, ["Authorization": "Bearer \(token)"])
        }
    }

    @Test func aNamedPageAnswersItsPageJSONAndFeedAndOthersAre404() async throws {
        try await Self.withGateway { client, auth in
            let opened = try await client.post("/api/v1/events", #"{"title": "partner 502", "service": "partner-api", "severity": "critical"}"#, headers: auth)
            let id = try #require((opened.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
            #expect(try await client.post("/api/v1/incidents/\(id)/updates", #"{"text": "Partner calls fail.", "public": true}"#, headers: auth).status == 200)

            let json = try await client.get("/status/partners.json")
            #expect(json.status == 200)
            #expect((json.json["components"] as? [[String: Any]])?.map { $0["id"] as? String } == ["partner-api"])
            #expect((json.json["incidents"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Partner API: major outage"])
            let page = try await client.get("/status/partners")
            #expect(page.status == 200 && page.text.contains("Partner calls fail.") && page.text.contains("href=\"/status/partners.atom\""))
            #expect(!page.text.contains(">Checkout<"))
            let feed = try await client.get("/status/partners.atom")
            #expect(feed.status == 200 && feed.text.contains("Partner calls fail."))
            // The main page shows neither the partners' component nor their incident.
            let main = try await client.get("/status.json")
            #expect((main.json["components"] as? [[String: Any]])?.map { $0["id"] as? String } == ["checkout"])
            #expect((main.json["incidents"] as? [Any])?.isEmpty == true)
            #expect(!(try await client.get("/status")).text.contains("Partner calls fail."))
            #expect(try await client.get("/status/nobody").status == 404)
            #expect(try await client.get("/status/nobody.json").status == 404)
        }
    }

    @Test func aStateSetByHandShowsUntilClearedAndMaintenanceIsListed() async throws {
        try await Self.withGateway { client, auth in
            let before = try await client.get("/status.json")
            // The two windows cover the whole day: checkout is under maintenance, listed in progress.
            #expect((before.json["components"] as? [[String: Any]])?.first?["status"] as? String == "under_maintenance")
            let maintenances = try #require(before.json["scheduled_maintenances"] as? [[String: Any]])
            #expect(maintenances.first?["status"] as? String == "in_progress" && maintenances.first?["name"] as? String == "Checkout: scheduled maintenance")
            #expect(!before.text.contains("weekly"))

            let set = try await client.request("PUT", "/api/v1/status/components/checkout", body: Data(#"{"state": "major_outage", "by": "someone"}"#.utf8), headers: auth)
            #expect(set.status == 200)
            #expect(set.json["state"] as? String == "major_outage")
            #expect((set.json["set"] as? [String: Any])?["by"] as? String == "ops")
            let shown = try await client.get("/status.json")
            #expect((shown.json["status"] as? [String: Any])?["indicator"] as? String == "critical")
            let listed = try await client.request("GET", "/api/v1/status/components", headers: auth)
            #expect((listed.json["components"] as? [[String: Any]])?.map { $0["service"] as? String } == ["checkout", "partner-api"])

            #expect(try await client.request("PUT", "/api/v1/status/components/checkout", body: Data(#"{"state": "on_fire"}"#.utf8), headers: auth).status == 400)
            #expect(try await client.request("PUT", "/api/v1/status/components/ledger", body: Data(#"{"state": "operational"}"#.utf8), headers: auth).status == 404)
            #expect(try await client.request("PUT", "/api/v1/status/components/checkout", body: Data(#"{"state": "operational"}"#.utf8)).status == 401)

            let cleared = try await client.request("DELETE", "/api/v1/status/components/checkout", headers: auth)
            #expect(cleared.status == 200 && cleared.json["set"] is NSNull && cleared.json["state"] as? String == "under_maintenance")
        }
    }

    @Test func aPageNameMustBeAPathSegmentOfItsOwn() throws {
        for bad in ["report", "Partners", "a/b", "", "-x", "x y"] {
            #expect(throws: (any Error).self, "\(bad)") {
                try ConfigLoader.parse(yaml: "catalog:\n  services:\n    - {name: a, public: {name: A, page: \"\(bad)\"}}\n")
            }
        }
        let config = try ConfigLoader.parse(yaml: "catalog:\n  services:\n    - {name: a, public: {name: A, page: partners-2}}\n")
        #expect(config.policy.catalog.services.first?.publicPage == "partners-2")
    }
}
