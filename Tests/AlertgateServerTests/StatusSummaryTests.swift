@testable import AlertgateServer
import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// The public status page's JSON: which components and incidents it shows and in what state,
/// as a pure function (`StatusSummary.build`) and on a real server.
@Suite struct StatusSummaryTests {
    static let catalog = ServiceCatalog(services: [
        .init(name: "checkout", publicName: "Checkout", publicGroup: "Shop"),
        .init(name: "payments-db"),
        .init(name: "search", publicName: "Search", publicGroup: "Shop"),
        .init(name: "api", publicName: "Public API"),
    ])

    static func incident(_ id: Int64, _ service: String, _ type: IncidentType, _ severity: IncidentSeverity,
                         status: IncidentStatus = .open, title: String = "internal title") -> IncidentState {
        IncidentState(id: id, key: service, title: title, status: status, severity: severity, type: type, service: service, services: [service],
                      owner: nil, detectedBy: .monitoring, openedAt: Timestamp(milliseconds: 1_000 * id), lastActivity: Timestamp(milliseconds: 2_000 * id),
                      signalCount: 1, alertCount: 1, reportCount: 0)
    }

    static func line(_ id: Int64, incident: Int64, at: Int64, _ text: String, public isPublic: Bool = true) -> StoredTimelineEntry {
        StoredTimelineEntry(id: id, entry: TimelineEntry(incidentID: incident, at: Timestamp(milliseconds: at), kind: .update, text: text, isPublic: isPublic))
    }

    static func build(_ open: [IncidentState], _ lines: [StoredTimelineEntry] = []) -> StatusSummary {
        StatusSummary.build(pageName: "Status", url: "http://status.example/status", catalog: catalog, open: open,
                            publicLines: Dictionary(grouping: lines, by: \.entry.incidentID), now: Timestamp(milliseconds: 9_000_000))
    }

    @Test func publicServicesBecomeComponentsInCatalogOrderWithTheirGroupFirst() {
        let summary = Self.build([])
        #expect(summary.components.map(\.id) == ["group:Shop", "checkout", "search", "api"])
        #expect(summary.components.map(\.name) == ["Shop", "Checkout", "Search", "Public API"])
        #expect(summary.components[0].members == ["checkout", "search"])
        #expect(summary.components.map(\.groupID) == [nil, "group:Shop", "group:Shop", nil])
        #expect(summary.components.map(\.position) == [1, 2, 3, 4])
        #expect(summary.components.allSatisfy { $0.status == .operational })
        #expect(summary.indicator == .operational && summary.incidents.isEmpty)
    }

    @Test func aComponentTakesTheWorstStateItsOpenIncidentsGive() {
        let cases: [(IncidentType, IncidentSeverity, StatusSummary.ComponentState)] = [
            (.outage, .sev1, .majorOutage), (.outage, .sev2, .partialOutage), (.outage, .sev4, .partialOutage),
            (.degradation, .sev1, .degradedPerformance), (.userIssue, .sev3, .degradedPerformance), (.security, .sev1, .operational),
        ]
        for (type, severity, state) in cases {
            let summary = Self.build([Self.incident(1, "checkout", type, severity)])
            #expect(summary.components[1].status == state, "\(type) \(severity)")
            // The group shows its worst member; the others stay operational.
            #expect(summary.components[0].status == state && summary.components[2].status == .operational)
            #expect(summary.indicator == state)
        }
        let both = Self.build([Self.incident(1, "search", .degradation, .sev3), Self.incident(2, "search", .outage, .sev2)])
        #expect(both.components[2].status == .partialOutage)
        #expect((both.indicator.pageStatus.indicator, both.indicator.pageStatus.description) == ("major", "Partial System Outage"))
        // A service off the page moves nothing.
        #expect(Self.build([Self.incident(1, "payments-db", .outage, .sev1)]).indicator == .operational)
    }

    @Test func onlyIncidentsWithAPublicUpdateAppearAndNeverWithTheirInternalTitle() {
        let open = [Self.incident(1, "checkout", .outage, .sev1, title: "db-primary-7 OOM <secret>"),
                    Self.incident(2, "api", .degradation, .sev3, status: .acknowledged),
                    Self.incident(3, "payments-db", .outage, .sev2)]
        let lines = [Self.line(10, incident: 1, at: 5_000, "We are looking into failed payments."),
                     Self.line(11, incident: 1, at: 7_000, "A fix is being rolled out."),
                     Self.line(12, incident: 1, at: 6_000, "internal: restarting db-primary-7", public: false),
                     Self.line(13, incident: 2, at: 4_000, "internal only", public: false),
                     Self.line(14, incident: 3, at: 3_000, "Some payments are slow.")]
        let summary = Self.build(open, lines)
        #expect(summary.incidents.map(\.id) == [1, 3])
        let first = summary.incidents[0]
        #expect(first.name == "Checkout: major outage" && first.status == "investigating" && first.impact == "critical")
        #expect(first.updates.map(\.body) == ["A fix is being rolled out.", "We are looking into failed payments."])
        #expect(first.components.map(\.id) == ["checkout"])
        // An incident of services off the page has a generic name and no components.
        #expect(summary.incidents[1].name == "Service disruption" && summary.incidents[1].components.isEmpty)
        let json = String(decoding: JSONOutput.encode(summary), as: UTF8.self)
        #expect(!json.contains("db-primary-7") && !json.contains("internal") && !json.contains("secret"))
    }

    @Test func aNamedPageShowsItsOwnComponentsAndIncidentsAndTheMainPageNeitherOfThem() {
        let catalog = ServiceCatalog(services: [
            .init(name: "checkout", publicName: "Checkout"),
            .init(name: "partner-api", publicName: "Partner API", publicPage: "partners"),
            .init(name: "internal"),
        ])
        let open = [Self.incident(1, "partner-api", .outage, .sev2), Self.incident(2, "checkout", .degradation, .sev3),
                    Self.incident(3, "internal", .outage, .sev2)]
        let lines = Dictionary(grouping: [Self.line(10, incident: 1, at: 5_000, "Partners see errors."),
                                          Self.line(11, incident: 2, at: 5_000, "Checkout is slow."),
                                          Self.line(12, incident: 3, at: 5_000, "Something is wrong.")], by: \.entry.incidentID)
        let main = StatusSummary.build(pageName: "Status", url: "", catalog: catalog, open: open, publicLines: lines, now: Timestamp(milliseconds: 9_000))
        #expect(main.components.map(\.id) == ["checkout"])
        #expect(main.incidents.map(\.name) == ["Service disruption", "Checkout: degraded performance"])
        let partners = StatusSummary.build(pageName: "Status: partners", url: "", catalog: catalog, open: open, publicLines: lines,
                                           now: Timestamp(milliseconds: 9_000), page: "partners")
        #expect(partners.components.map(\.id) == ["partner-api"] && partners.components[0].status == .partialOutage)
        #expect(partners.incidents.map(\.name) == ["Partner API: partial outage"])
        #expect(partners.indicator == .partialOutage && partners.page.id == "partners")
    }

    @Test func aStateSetByHandWinsAndMaintenanceShowsWhileItsWindowIsOpen() throws {
        // 1970-01-01 is a Thursday: a window on Thursdays 02:00–04:00 UTC is open at 02:30.
        let window = MaintenanceWindow(name: "db-upgrade (internal)", matchers: [try LabelMatcher(parsing: "service=search")], weekdays: [5],
                                       fromMinute: 120, toMinute: 240, timeZone: TimeZone(identifier: "UTC")!)
        let other = MaintenanceWindow(name: "off-page", matchers: [try LabelMatcher(parsing: "service=payments-db")], weekdays: [5],
                                      fromMinute: 120, toMinute: 240, timeZone: TimeZone(identifier: "UTC")!)
        let now = Timestamp(milliseconds: 150 * 60_000)
        let summary = StatusSummary.build(pageName: "Status", url: "", catalog: Self.catalog, open: [Self.incident(1, "checkout", .outage, .sev1)],
                                          publicLines: [:], now: now, overrides: ["api": .degradedPerformance, "checkout": .operational],
                                          windows: [window, other])
        let states = Dictionary(uniqueKeysWithValues: summary.components.map { ($0.id, $0.status) })
        #expect(states == ["group:Shop": .underMaintenance, "checkout": .operational, "search": .underMaintenance, "api": .degradedPerformance])
        #expect(summary.indicator == .degradedPerformance)
        #expect(summary.maintenances.map(\.name) == ["Search: scheduled maintenance", "Search: scheduled maintenance"])
        #expect(summary.maintenances.map(\.status) == ["in_progress", "scheduled"])
        #expect(summary.maintenances[1].scheduledFor.milliseconds == 7 * 86_400_000 + 120 * 60_000)
        let json = String(decoding: JSONOutput.encode(summary), as: UTF8.self)
        #expect(!json.contains("db-upgrade") && !json.contains("off-page") && json.contains("\"impact\":\"maintenance\""))
    }

    @Test func eachUpdateCarriesTheStatusTheIncidentHadWhenItWasPosted() {
        var incident = Self.incident(1, "checkout", .outage, .sev2, status: .resolved)
        incident.acknowledgedAt = Timestamp(milliseconds: 4_000)
        incident.resolvedAt = Timestamp(milliseconds: 8_000)
        let lines = [Self.line(10, incident: 1, at: 3_000, "Looking into it."), Self.line(11, incident: 1, at: 5_000, "Found it."),
                     Self.line(12, incident: 1, at: 8_000, "Fixed.")]
        let shown = StatusSummary.publicIncident(incident, lines: lines, components: [], byService: [:])
        #expect(shown?.updates.map(\.status) == ["resolved", "identified", "investigating"])
        #expect(shown?.status == "resolved")
    }

    @Test func theJSONHasStatuspagesSummaryShape() throws {
        var acknowledged = Self.incident(1, "checkout", .outage, .sev2, status: .acknowledged)
        acknowledged.acknowledgedAt = Timestamp(milliseconds: 4_000)
        let summary = Self.build([acknowledged],
                                 [Self.line(10, incident: 1, at: 5_000, "Checkout is failing for some users.")])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONOutput.encode(summary))) as? [String: Any])
        #expect(Set(object.keys) == ["page", "status", "components", "incidents", "scheduled_maintenances"])
        let page = try #require(object["page"] as? [String: Any])
        #expect(Set(page.keys) == ["id", "name", "url", "time_zone", "updated_at"])
        #expect(page["updated_at"] as? String == "1970-01-01T02:30:00.000Z")
        let status = try #require(object["status"] as? [String: Any])
        #expect(status["indicator"] as? String == "major" && status["description"] as? String == "Partial System Outage")
        let components = try #require(object["components"] as? [[String: Any]])
        for component in components {
            #expect(["id", "name", "status", "position", "group_id", "group", "created_at", "updated_at"].allSatisfy { component.keys.contains($0) })
        }
        #expect(components[0]["group"] as? Bool == true && components[0]["components"] as? [String] == ["checkout", "search"])
        #expect(components[1]["group_id"] as? String == "group:Shop" && components[1]["status"] as? String == "partial_outage")
        #expect(components[3]["group_id"] is NSNull)
        let incident = try #require((object["incidents"] as? [[String: Any]])?.first)
        #expect(incident["id"] as? String == "1" && incident["status"] as? String == "identified" && incident["impact"] as? String == "major")
        #expect(incident["resolved_at"] is NSNull && incident["monitoring_at"] is NSNull)
        let update = try #require((incident["incident_updates"] as? [[String: Any]])?.first)
        #expect(update["body"] as? String == "Checkout is failing for some users." && update["status"] as? String == "identified")
        #expect(update["display_at"] as? String == "1970-01-01T00:00:05.000Z")
        #expect((object["scheduled_maintenances"] as? [Any])?.isEmpty == true)
    }
}

/// `/status.json` and `/api/v2/summary.json` on a real server: no token needed even when tokens
/// are configured, and a public update brings its incident onto the page.
@Suite struct StatusSummaryLiveTests {
    /// A real gateway whose catalog puts `checkout` on the page (group Shop) and keeps `ledger`
    /// off it, with a token configured: `body` gets its client and the token's header.
    static func withStatusGateway(_ body: (TestHTTPClient, [String: String]) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let token = "status-test-token"
        let configPath = folder.file("alertgate.yaml")
        try """
        catalog:
          services:
            - {name: checkout, public: {name: Checkout, group: Shop}}
            - {name: ledger}
        auth:
          tokens:
            - {name: ops, sha256: "\(TokenCheck.sha256(token))", scopes: [ingest, read, write]}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: configPath) { gateway in
            try await body(gateway.client, ["Authorization": "Bearer \(token)"])
        }
    }

    @Test func aPublicUpdateBringsItsIncidentOntoThePageWithoutAToken() async throws {
        try await Self.withStatusGateway { client, auth in
            let calm = try await client.get("/status.json")
            #expect(calm.status == 200)
            #expect((calm.json["status"] as? [String: Any])?["indicator"] as? String == "none")

            let opened = try await client.post("/api/v1/events", #"{"title": "ledger-7 <b>OOM</b>", "service": "checkout", "severity": "critical"}"#, headers: auth)
            let id = try #require((opened.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
            let edited = try await client.request("PATCH", "/api/v1/incidents/\(id)", body: Data(#"{"type": "outage", "severity": "SEV1"}"#.utf8), headers: auth)
            #expect(edited.status == 200)
            // The component's state shows at once; the incident only once it has a public update.
            let before = try await client.get("/api/v2/summary.json")
            #expect((before.json["components"] as? [[String: Any]])?.map { $0["status"] as? String } == ["major_outage", "major_outage"])
            #expect((before.json["incidents"] as? [Any])?.isEmpty == true)

            #expect(try await client.post("/api/v1/incidents/\(id)/updates", #"{"text": "internal: ledger-7 restarted"}"#, headers: auth).status == 200)
            #expect(try await client.post("/api/v1/incidents/\(id)/updates", #"{"text": "Payments fail for some users.", "public": true}"#, headers: auth).status == 200)
            let after = try await client.get("/status.json")
            #expect(after.status == 200)
            let incidents = try #require(after.json["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1 && incidents[0]["name"] as? String == "Checkout: major outage")
            #expect((incidents[0]["incident_updates"] as? [[String: Any]])?.map { $0["body"] as? String } == ["Payments fail for some users."])
            #expect(!after.text.contains("ledger") && !after.text.contains("OOM"))
            #expect((after.json["status"] as? [String: Any])?["indicator"] as? String == "critical")

            // Everything else still asks for the token.
            #expect(try await client.get("/api/v1/incidents").status == 401)
            #expect(try await client.post("/status.json", "{}").status == 401)
        }
    }
}
