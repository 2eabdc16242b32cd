import AlertgateCore
import AlertgatePostgres
import AlertgateServer
import AlertgateStorage
import AlertgateTesting
import Foundation
import Testing

/// A whole gateway on PostgreSQL (`storage.url`, a server of the test's own from
/// `TemporaryPostgres`): what it does on SQLite, one writer at a time, and what it stored
/// there after a restart.
@Suite struct PostgresLiveTests {
    @Test func aGatewayOnPostgreSQLIngestsFoldsActsAndRestartsWhereItWas() async throws {
        let url = try await TemporaryPostgres.database()
        let first = try FoldedRepeatsLiveTests.fixture("firing-first"), resend = try FoldedRepeatsLiveTests.fixture("firing-resend")
        let clock = ManualClock(try #require(RFC3339.parse("2026-11-29T05:02:40.891Z")))
        let json = ["Content-Type": "application/json"]
        let incidentID = try await withRunningGateway(clock: clock, configure: { $0.storage.url = url }) { gateway -> Int in
            #expect(gateway.gateway.store is PostgresStore)
            let client = gateway.client
            // Prometheus's alert and its resends: one alert, the repeats folded, every body kept.
            #expect(try await client.post("/api/v2/alerts", bytes: first, headers: json).status == 200)
            clock.advance(by: .seconds(2))
            for _ in 0..<3 { #expect(try await client.post("/api/v2/alerts", bytes: resend, headers: json).status == 200) }
            let alert = try await client.get("/api/v1/alerts/1")
            #expect(alert.json["count"] as? Int == 4)
            let run = try #require((alert.json["history"] as? [[String: Any]])?.first)
            #expect(run["count"] as? Int == 3)
            let raw = try await client.get("/api/v1/payloads/\(try #require(run["last_payload_id"] as? Int))/raw")
            #expect(Array(raw.body) == resend)

            // An incident acted on, a silence, the audit log of both.
            let incidents = try #require(try await client.get("/api/v1/incidents").json["incidents"] as? [[String: Any]])
            let id = try #require(incidents.first?["id"] as? Int)
            #expect(incidents.count == 1)
            #expect(try await client.post("/api/v1/incidents/\(id)/acknowledge", #"{"by": "ana"}"#).status == 200)
            let silence = try await client.post("/api/v1/silences",
                                                #"{"matchers": ["service=checkout"], "duration": "1h", "created_by": "ana", "comment": "deploy"}"#)
            #expect(silence.status == 201)
            let silenced = try await client.post("/api/v1/events", #"{"title": "DiskFull", "service": "checkout"}"#)
            #expect((silenced.json["results"] as? [[String: Any]])?.first?["decision"] as? String == "silenced")
            let audit = try #require(try await client.get("/api/v1/audit").json["entries"] as? [[String: Any]])
            #expect(audit.compactMap { $0["path"] as? String }.contains("/api/v1/incidents/\(id)/acknowledge"))

            // A second gateway on the same database is refused while this one runs.
            var config = GatewayConfig()
            config.storage.url = url
            config.http.port = 0
            await #expect(throws: StoreError.self) { _ = try await Gateway.open(config: config) }
            return id
        }

        // Stopped and started again: the state it left is where the next one starts.
        try await withRunningGateway(clock: clock, configure: { $0.storage.url = url }) { gateway in
            let client = gateway.client
            let incident = try await client.get("/api/v1/incidents/\(incidentID)")
            #expect(incident.json["status"] as? String == "acknowledged")
            #expect((try await client.get("/api/v1/silences").json["silences"] as? [[String: Any]])?.count == 1)
            clock.advance(by: .seconds(2))
            #expect(try await client.post("/api/v2/alerts", bytes: resend, headers: json).status == 200)
            #expect(try await client.get("/api/v1/alerts/1").json["count"] as? Int == 5, "the resend folds into the alert it left firing")
            #expect((try await client.get("/api/v1/incidents").json["incidents"] as? [[String: Any]])?.count == 1)
        }
    }
}
