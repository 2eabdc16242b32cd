import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// The HTTP parts of the rules on a real server: silences through both APIs, the catalog,
/// suspect changes, reload by API and by SIGHUP.
@Suite struct PolicyLiveTests {
    static func results(_ reply: TestHTTPClient.Reply) -> [[String: Any]] {
        reply.json["results"] as? [[String: Any]] ?? []
    }

    static func array(_ reply: TestHTTPClient.Reply) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: reply.body)) as? [[String: Any]] ?? []
    }

    @Test func silencesThroughAlertgatesAPI() async throws {
        try await withRunningGateway { gateway in
            let client = gateway.client
            let made = try await client.post("/api/v1/silences",
                                             #"{"matchers": ["service=checkout", "alertname=~Disk.*"], "duration": "1h", "created_by": "ana", "comment": "disk swap"}"#)
            #expect(made.status == 201)
            let id = try #require(made.json["id"] as? Int)
            #expect(made.json["state"] as? String == "active")
            #expect(made.json["matchers"] as? [String] == ["service=checkout", "alertname=~Disk.*"])

            let silenced = try await client.post("/api/v1/events", #"{"title": "DiskFull", "service": "checkout"}"#)
            let result = try #require(Self.results(silenced).first)
            #expect(result["decision"] as? String == "silenced")
            #expect(result["incident_id"] is NSNull)
            let signal = try await client.get("/api/v1/signals/\(try #require(result["signal_id"] as? Int))")
            let why = try #require(signal.json["why"] as? [String: Any])
            #expect(why["rule"] as? String == "silence" && why["key"] as? String == String(id))
            #expect(Self.results(try await client.post("/api/v1/events", #"{"title": "Errors", "service": "checkout"}"#)).first?["decision"] as? String == "opened")

            let bad = try await client.post("/api/v1/silences", #"{"matchers": ["service=~.*"], "duration": "1h"}"#)
            #expect(bad.status == 400)
            #expect((bad.json["error"] as? [String: Any])?["field"] as? String == "matchers")
            // A duration too long for any clock is refused, not a crash.
            let endless = try await client.post("/api/v1/silences", #"{"matchers": ["service=search"], "duration": "1e300"}"#)
            #expect(endless.status == 400)
            #expect((endless.json["error"] as? [String: Any])?["field"] as? String == "duration")
            let broken = try await client.post("/api/v1/silences", #"{"matchers": ["service=~("], "duration": "1h"}"#)
            #expect(broken.status == 400)
            #expect((broken.json["error"] as? [String: Any])?["field"] as? String == "matchers[0]")

            let expired = try await client.request("DELETE", "/api/v1/silences/\(id)")
            #expect(expired.status == 200 && expired.json["state"] as? String == "expired")
            #expect(Self.results(try await client.post("/api/v1/events", #"{"title": "DiskFull", "service": "checkout"}"#)).first?["decision"] as? String == "attached")
            let listed = try await client.get("/api/v1/silences?state=expired")
            #expect((listed.json["silences"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            #expect(try await client.request("DELETE", "/api/v1/silences/999").status == 404)
            #expect(try await client.request("DELETE", "/api/v1/silences").status == 400)
            let other = try await client.post("/api/v1/silences", #"{"matchers": ["service=search"], "duration": "10m"}"#)
            let otherID = try #require(other.json["id"] as? Int)
            #expect(try await client.request("DELETE", "/api/v1/silences?id=\(otherID)").json["state"] as? String == "expired")
        }
    }

    @Test func silencesAndAlertsThroughAlertmanagersAPI() async throws {
        try await withRunningGateway { gateway in
            let client = gateway.client
            let alerts = #"[{"labels": {"alertname": "DiskFull", "service": "db", "instance": "db-1"}, "annotations": {"summary": "disk full"}}, {"labels": {"alertname": "NodeDown", "service": "web", "instance": "web-1"}}]"#
            #expect(try await client.post("/api/v2/alerts", alerts).status == 200)

            let made = try await client.post("/api/v2/silences", """
                {"comment": "swap", "createdBy": "alice", "endsAt": "2099-01-01T00:00:00.000Z",
                 "matchers": [{"isEqual": true, "isRegex": false, "name": "alertname", "value": "DiskFull"}], "startsAt": "2020-01-01T00:00:00.000Z"}
                """)
            #expect(made.status == 200)
            let id = try #require(made.json["silenceID"] as? String)

            let silences = Self.array(try await client.get("/api/v2/silences"))
            let silence = try #require(silences.first)
            #expect(silence["id"] as? String == id && silence["createdBy"] as? String == "alice")
            #expect((silence["status"] as? [String: Any])?["state"] as? String == "active")
            let matcher = try #require((silence["matchers"] as? [[String: Any]])?.first)
            #expect(matcher["name"] as? String == "alertname" && matcher["isRegex"] as? Bool == false && matcher["isEqual"] as? Bool == true)
            #expect(Self.array(try await client.get("/api/v2/silences?filter=alertname%3DDiskFull")).count == 1)
            #expect(Self.array(try await client.get("/api/v2/silences?filter=alertname%3DOther")).isEmpty)

            // amtool's default query: active, not silenced. DiskFull fired before the silence,
            // so it is an alert, now shown as suppressed by it.
            let query = "/api/v2/alerts?active=true&inhibited=false&silenced=false&unprocessed=false"
            let active = Self.array(try await client.get(query))
            #expect(active.compactMap { ($0["labels"] as? [String: String])?["alertname"] } == ["NodeDown"])
            let silenced = Self.array(try await client.get("/api/v2/alerts?active=false&inhibited=false&silenced=true&unprocessed=false"))
            let disk = try #require(silenced.first)
            #expect((disk["status"] as? [String: Any])?["state"] as? String == "suppressed")
            #expect((disk["status"] as? [String: Any])?["silencedBy"] as? [String] == [id])
            #expect(disk["startsAt"] is String && disk["endsAt"] is String && disk["fingerprint"] is String)
            #expect((disk["annotations"] as? [String: String])?["summary"] == "disk full")
            let filtered = Self.array(try await client.get("/api/v2/alerts?active=true&silenced=true&filter=instance%3D~%22web.%2A%22"))
            #expect(filtered.count == 1)
            let badFilter = try await client.get("/api/v2/alerts?filter=%7Bfoo")
            #expect(badFilter.status == 400)
            #expect((try? JSONSerialization.jsonObject(with: badFilter.body, options: .fragmentsAllowed)) is String, "a JSON string, as amtool reads")

            let status = try await client.get("/api/v2/status")
            #expect((status.json["versionInfo"] as? [String: Any])?["version"] as? String == "0.25.0")

            let deleted = try await client.request("DELETE", "/api/v2/silence/\(id)")
            #expect(deleted.status == 200)
            let single = try await client.get("/api/v2/silence/\(id)")
            #expect((single.json["status"] as? [String: Any])?["state"] as? String == "expired")
            // An unknown id is 404, as Alertmanager's API declares from 0.26 on (0.25 said 500).
            let unknown = try await client.request("DELETE", "/api/v2/silence/424242")
            #expect(unknown.status == 404)
            #expect((try? JSONSerialization.jsonObject(with: unknown.body, options: .fragmentsAllowed)) as? String == "silence not found")
        }
    }

    static let catalogYAML = """
        catalog:
          default_team: ops
          services:
            - {name: checkout, team: payments, tier: 1, oncall: payments-primary, aliases: [checkout-api, "payment page"], depends_on: [payments-db],
               public: {name: Checkout, group: Shop}}
            - {name: payments-db, team: storage, tier: 1}
        """

    @Test func servicesListTheCatalogWithOpenIncidentsAndSuspects() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.yaml")
        try Self.catalogYAML.write(toFile: path, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: path) { gateway in
            let client = gateway.client
            _ = try await client.post("/api/v1/changes", #"{"title": "Deploy payments-db schema 42", "service": "payments-db"}"#)
            _ = try await client.post("/api/v1/changes", #"{"title": "Deploy checkout v2.4.1", "service": "checkout"}"#)
            let opened = try await client.post("/api/v1/events", #"{"title": "CheckoutErrors", "service": "checkout-api", "severity": "error"}"#)
            let incidentID = try #require(Self.results(opened).first?["incident_id"] as? Int)
            let report = try await client.post("/api/v1/reports", #"{"title": "The payment page hangs", "description": "spinner forever"}"#)
            #expect(Self.results(report).first?["incident_id"] as? Int == incidentID)

            let services = try await client.get("/api/v1/services")
            #expect(services.status == 200)
            #expect(services.json["default_team"] as? String == "ops")
            let listed = try #require(services.json["services"] as? [[String: Any]])
            let checkout = try #require(listed.first { $0["name"] as? String == "checkout" })
            #expect(checkout["oncall"] as? String == "payments-primary")
            #expect(checkout["depends_on"] as? [String] == ["payments-db"])
            #expect((checkout["public"] as? [String: Any])?["name"] as? String == "Checkout")
            #expect((checkout["open_incidents"] as? [[String: Any]])?.map { $0["id"] as? Int } == [incidentID])
            #expect((listed.first { $0["name"] as? String == "payments-db" }?["open_incidents"] as? [Any])?.isEmpty == true)

            let detail = try await client.get("/api/v1/incidents/\(incidentID)")
            #expect(detail.json["owner"] as? String == "payments")
            #expect(detail.json["oncall"] as? String == "payments-primary")
            let suspects = try #require(detail.json["suspect_changes"] as? [[String: Any]])
            #expect(suspects.map { $0["title"] as? String } == ["Deploy checkout v2.4.1", "Deploy payments-db schema 42"])
            #expect(suspects[0]["rollback_candidate"] as? Bool == true && suspects[1]["rollback_candidate"] as? Bool == false)
            #expect((suspects[0]["why"] as? String)?.hasPrefix("same service") == true)
            #expect((suspects[1]["why"] as? String)?.hasPrefix("dependency of checkout") == true)
            let kinds = (detail.json["timeline"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            #expect(kinds.prefix(3) == ["opened", "classified", "rollback_candidate"])

            _ = try await client.post("/api/v1/changes", #"{"title": "Roll back checkout to v2.4.0", "service": "checkout"}"#)
            let after = try await client.get("/api/v1/incidents/\(incidentID)")
            let newest = try #require((after.json["suspect_changes"] as? [[String: Any]])?.first)
            #expect(newest["title"] as? String == "Roll back checkout to v2.4.0" && newest["possible_fix"] as? Bool == true)
            #expect((after.json["timeline"] as? [[String: Any]])?.last?["kind"] as? String == "possible_fix")
        }
    }

    @Test func aReloadKeepsTheStateAndRefusesABadFile() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.yaml")
        try Self.catalogYAML.write(toFile: path, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: path) { gateway in
            let client = gateway.client
            let first = try await client.post("/api/v1/events", #"{"title": "Errors", "service": "checkout-api"}"#)
            let incidentID = try #require(Self.results(first).first?["incident_id"] as? Int)

            try (Self.catalogYAML + """

                    - {name: search, team: discovery, tier: 3, aliases: [search-web]}
                silences:
                  - {matchers: ["service=search"], starts_at: 2020-01-01T00:00:00Z, ends_at: 2099-01-01T00:00:00Z, comment: reindex}
                """).write(toFile: path, atomically: true, encoding: .utf8)
            let reloaded = try await client.post("/api/v1/admin/reload", "")
            #expect(reloaded.status == 200 && reloaded.json["reloaded"] as? Bool == true)
            let names = (try await client.get("/api/v1/services").json["services"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["checkout", "payments-db", "search"])
            let search = try await client.post("/api/v1/events", #"{"title": "Slow", "service": "search-web"}"#)
            #expect(Self.results(search).first?["decision"] as? String == "silenced", "the config's silence is in force")
            let configSilences = try #require(try await client.get("/api/v1/silences").json["silences"] as? [[String: Any]])
            #expect(configSilences.map { $0["origin"] as? String } == ["config"])
            // The state stayed: the alert is still a repeat in its incident.
            let again = try await client.post("/api/v1/events", #"{"title": "Errors", "service": "checkout-api"}"#)
            #expect(Self.results(again).first?["decision"] as? String == "repeat")
            #expect(Self.results(again).first?["incident_id"] as? Int == incidentID)

            // A second reload adds the config silence no second time.
            #expect(try await client.post("/api/v1/admin/reload", "").status == 200)
            #expect((try await client.get("/api/v1/silences").json["silences"] as? [Any])?.count == 1)

            // The silence leaves the file: it ends; a maintenance window comes in and is listed.
            try (Self.catalogYAML + """

                    - {name: search, team: discovery, tier: 3, aliases: [search-web]}
                maintenance:
                  - {name: reindex, matchers: ["service=search"], weekly: {days: [sun], from: "02:00", to: "04:00", time_zone: UTC}}
                """).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try await client.post("/api/v1/admin/reload", "").status == 200)
            let afterwards = try await client.get("/api/v1/silences")
            #expect((afterwards.json["silences"] as? [[String: Any]])?.first?["state"] as? String == "expired")
            let windows = try #require(afterwards.json["maintenance"] as? [[String: Any]])
            #expect(windows.first?["name"] as? String == "reindex" && windows.first?["schedule"] as? String == "sun 02:00–04:00 UTC")

            try "catalog:\n  services:\n    - {name: checkout, tier: 7}\n".write(toFile: path, atomically: true, encoding: .utf8)
            let refused = try await client.post("/api/v1/admin/reload", "")
            #expect(refused.status == 400)
            let error = try #require(refused.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_config" && error["field"] as? String == "catalog.services[0].tier")
            let kept = (try await client.get("/api/v1/services").json["services"] as? [[String: Any]])?.count
            #expect(kept == 3, "the rules in force stay")

            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"alertgate_config_reloads_total{result="success"} 3"#))
            #expect(metrics.contains(#"alertgate_config_reloads_total{result="failure"} 1"#))
        }
    }

    /// Firing alerts keep no labels in memory: an inhibit rule that arrives by reload, or a
    /// restart, while its source fires finds the source from the stored rows.
    @Test func anInhibitRuleFindsASourceThatFiredBeforeIt() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.yaml")
        let database = folder.file("alertgate.sqlite")
        try Self.catalogYAML.write(toFile: path, atomically: true, encoding: .utf8)
        let source = #"{"title": "Datacenter fra1 down", "service": "network", "severity": "critical", "labels": {"alertname": "DatacenterDown", "datacenter": "fra1"}}"#
        func target(_ title: String, _ datacenter: String) -> String {
            #"{"title": "\#(title)", "service": "search", "labels": {"datacenter": "\#(datacenter)"}}"#
        }
        func decision(of reply: TestHTTPClient.Reply) -> String? { Self.results(reply).first?["decision"] as? String }
        try await withRunningGateway(databasePath: database, configPath: path) { gateway in
            let client = gateway.client
            #expect(decision(of: try await client.post("/api/v1/events", source)) == "opened")
            #expect(decision(of: try await client.post("/api/v1/events", target("Slow queries", "fra1"))) == "opened", "no rule yet")
            try (Self.catalogYAML + """

                inhibit_rules:
                  - {source_matchers: ["alertname=DatacenterDown"], target_matchers: ["service=search"], equal: [datacenter]}
                """).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try await client.post("/api/v1/admin/reload", "").status == 200)
            let inhibited = try await client.post("/api/v1/events", target("Index lag", "fra1"))
            #expect(decision(of: inhibited) == "suppressed")
            let signalID = try #require(Self.results(inhibited).first?["signal_id"] as? Int)
            let why = try await client.get("/api/v1/signals/\(signalID)").json["why"] as? [String: Any]
            #expect((why?["detail"] as? String)?.contains("(Datacenter fra1 down)") == true, "the source's title, read from its row")
            #expect(decision(of: try await client.post("/api/v1/events", target("Index lag", "ams2"))) == "attached", "another datacenter: not inhibited, it joins the open search incident")
        }
        // A restart rebuilds the state from the rows, and the index of sources with it.
        try await withRunningGateway(databasePath: database, configPath: path) { gateway in
            let reply = try await gateway.client.post("/api/v1/events", target("Cache misses", "fra1"))
            #expect(decision(of: reply) == "suppressed")
        }
    }

    /// A repeat with its own labels (a `dedup_key` alert) that makes its alert a source by its
    /// new title: the pipeline reads the alert's row before the next batch.
    @Test func aRepeatWithOtherLabelsMakesASourceFromTheAlertsRow() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.yaml")
        try (Self.catalogYAML + """

            inhibit_rules:
              - {source_matchers: ["alertname=DatacenterDown"], target_matchers: ["service=search"], equal: [datacenter]}
            """).write(toFile: path, atomically: true, encoding: .utf8)
        func decision(of reply: TestHTTPClient.Reply) -> String? { Self.results(reply).first?["decision"] as? String }
        try await withRunningGateway(configPath: path) { gateway in
            let client = gateway.client
            // No alertname label: matchers read the title.
            let uplink = #"{"title": "Uplink flapping", "service": "network", "dedup_key": "uplink-1", "labels": {"datacenter": "ber1", "zone": "a"}}"#
            #expect(decision(of: try await client.post("/api/v1/events", uplink)) == "opened")
            let down = #"{"title": "DatacenterDown", "service": "network", "dedup_key": "uplink-1", "labels": {"datacenter": "ber1", "zone": "b"}}"#
            #expect(decision(of: try await client.post("/api/v1/events", down)) == "repeat")
            let target = #"{"title": "Index lag", "service": "search", "labels": {"datacenter": "ber1"}}"#
            let inhibited = try await client.post("/api/v1/events", target)
            #expect(decision(of: inhibited) == "suppressed")
        }
    }

    @Test func withoutAConfigFileThereIsNothingToReload() async throws {
        try await withRunningGateway { gateway in
            let reply = try await gateway.client.post("/api/v1/admin/reload", "")
            #expect(reply.status == 409)
            #expect((reply.json["error"] as? [String: Any])?["code"] as? String == "no_config_file")
        }
    }

    /// The real binary: SIGHUP reloads the file it was started with.
    @Test func sighupReloadsTheConfigFile() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.yaml")
        try Self.catalogYAML.write(toFile: path, atomically: true, encoding: .utf8)
        let process = try await GatewayProcess(arguments: ["--config", path, "--database", folder.file("alertgate.sqlite")],
                                               logPath: folder.file("serve.log"))
        try (Self.catalogYAML + "\n    - {name: search, tier: 3}\n").write(toFile: path, atomically: true, encoding: .utf8)
        process.child.send(SIGHUP)
        let seen = try await eventually(timeout: .seconds(20)) {
            let services = try await process.client.get("/api/v1/services").json["services"] as? [[String: Any]]
            return services?.count == 3
        }
        #expect(seen)
        let log = (try? String(contentsOfFile: process.logPath, encoding: .utf8)) ?? ""
        #expect(log.contains("config reloaded"))
        #expect(try await process.terminate() == 0)
    }
}
