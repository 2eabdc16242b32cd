import AlertgateCore
import AlertgateStorage
import AlertgateTesting
import Foundation
import Testing

/// Correlation survives restarts and crashes: state is rebuilt from the database.
@Suite struct RestartLiveTests {
    @Test func restartOnTheSameDatabaseContinuesCorrelation() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        let event = #"{"title": "Queue backlog", "service": "billing", "labels": {"queue": "invoices"}}"#

        let (incidentID, alertID) = try await withRunningGateway(databasePath: database) { gateway in
            let reply = try await gateway.client.post("/api/v1/events", event)
            let result = try #require((reply.json["results"] as? [[String: Any]])?.first)
            #expect(result["decision"] as? String == "opened")
            return (try #require(result["incident_id"] as? Int), try #require(result["alert_id"] as? Int))
        }

        try await withRunningGateway(databasePath: database) { gateway in
            let repeatReply = try await gateway.client.post("/api/v1/events", event)
            let repeated = try #require((repeatReply.json["results"] as? [[String: Any]])?.first)
            #expect(repeated["decision"] as? String == "repeat")
            #expect(repeated["alert_id"] as? Int == alertID)
            #expect(repeated["incident_id"] as? Int == incidentID)
            // It changed nothing but its time: folded into the alert, across the restart too.
            #expect(repeated["signal_id"] is NSNull)

            let other = try await gateway.client.post("/api/v1/events", #"{"title": "Invoice job failing", "service": "billing"}"#)
            let attached = try #require((other.json["results"] as? [[String: Any]])?.first)
            #expect(attached["decision"] as? String == "attached")
            #expect(attached["incident_id"] as? Int == incidentID)
            #expect(attached["signal_id"] as? Int == 2)

            let detail = try await gateway.client.get("/api/v1/incidents/\(incidentID)")
            let alerts = try #require(detail.json["alerts"] as? [[String: Any]])
            #expect(alerts.first(where: { $0["id"] as? Int == alertID })?["count"] as? Int == 2)
            let history = try #require(try await gateway.client.get("/api/v1/alerts/\(alertID)").json["history"] as? [[String: Any]])
            #expect(history.map { $0["type"] as? String } == ["repeats", "signal"])
            #expect(history.first?["count"] as? Int == 1)
        }
    }

    @Test func silentAlertsResolveAfterResolveTimeoutOnTheInjectedClock() async throws {
        let clock = ManualClock(Timestamp(Date()))
        try await withRunningGateway(clock: clock, configure: {
            $0.correlation.resolveTimeout = .seconds(300)
            $0.pipeline.expiryInterval = .seconds(1)
        }) { gateway in
            let reply = try await gateway.client.post("/api/v1/events", #"{"title": "Cache miss storm", "service": "cache"}"#)
            let incidentID = try #require((reply.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
            // The expiry tick sleeps on the injected clock (beside the notification sender's
            // poll and the retention service's first pass, due a minute after start): each
            // advance wakes it once, and the pass it asks for runs at the clock's time.
            try #require(try await eventually(timeout: .seconds(30)) { clock.sleeperCount == 3 })
            clock.advance(by: .seconds(200))
            try #require(try await eventually(timeout: .seconds(30)) { gateway.gateway.pipeline.expiryPassCount == 1 && clock.sleeperCount == 3 })
            #expect(try await gateway.client.get("/api/v1/incidents/\(incidentID)").json["status"] as? String == "open")
            clock.advance(by: .seconds(101))
            let resolved = try await eventually {
                try await gateway.client.get("/api/v1/incidents/\(incidentID)").json["status"] as? String == "resolved"
            }
            #expect(resolved)
        }
    }

    @Test func everyAcknowledgedSignalSurvivesSIGKILL() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        let first = try await GatewayProcess(arguments: ["--database", database], logPath: folder.file("first.log"))
        let client = first.client

        // Many concurrent writers so that group commit batches them; collect every 2xx answer.
        // Each "crash twin" after its first is a repeat that changes nothing: it folds into its
        // alert (no signal id) and must survive as the alert's count.
        let answers = try await withThrowingTaskGroup(of: (ids: [Int], twins: [Int: Int]).self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var ids: [Int] = []
                    var twins: [Int: Int] = [:]  // alert id of "crash twin <writer>" -> arrivals acknowledged
                    for n in 0..<25 {
                        let body = #"[{"title": "crash test \#(writer)-\#(n)", "service": "svc-\#(writer % 3)"}, {"title": "crash twin \#(writer)", "service": "svc-\#(writer % 3)"}]"#
                        let reply = try await client.post("/api/v1/events", body)
                        guard reply.status == 202 else { continue }
                        let results = reply.json["results"] as? [[String: Any]] ?? []
                        ids += results.compactMap { $0["signal_id"] as? Int }
                        if let twin = results.last?["alert_id"] as? Int { twins[twin, default: 0] += 1 }
                    }
                    return (ids, twins)
                }
            }
            return try await group.reduce(into: (ids: [Int](), twins: [Int: Int]())) { all, one in
                all.ids += one.ids
                all.twins.merge(one.twins, uniquingKeysWith: +)
            }
        }
        let acknowledged = answers.ids
        #expect(answers.twins.values.reduce(0, +) == 8 * 25)
        #expect(acknowledged.count == 8 * 25 + answers.twins.count, "one stored signal per twin alert, the rest folded")
        #expect(try await first.kill() == .signalled(SIGKILL))

        let store = try SQLiteStore(path: database)
        #expect(try store.integrityCheck() == "ok")

        let second = try await GatewayProcess(arguments: ["--database", database], logPath: folder.file("second.log"))
        for id in acknowledged {
            let reply = try await second.client.get("/api/v1/signals/\(id)")
            #expect(reply.status == 200, "acknowledged signal \(id) is missing after SIGKILL")
        }
        for (alertID, arrivals) in answers.twins {
            let alert = try await second.client.get("/api/v1/alerts/\(alertID)")
            #expect(alert.json["count"] as? Int == arrivals, "alert \(alertID): every acknowledged repeat counted after SIGKILL")
            let runs = (alert.json["history"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "repeats" }
            #expect(runs.compactMap { $0["count"] as? Int }.reduce(0, +) == arrivals - 1)
        }
        // Correlation continues: a repeat after the crash is a repeat of the stored alert.
        let again = try await second.client.post("/api/v1/events", #"{"title": "crash twin 0", "service": "svc-0"}"#)
        #expect((again.json["results"] as? [[String: Any]])?.first?["decision"] as? String == "repeat")
        #expect(try await second.terminate() == 0)
    }

    @Test func sigtermDrainsAndExitsCleanly() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        let process = try await GatewayProcess(arguments: ["--database", database], logPath: folder.file("serve.log"))
        let reply = try await process.client.post("/api/v1/events", #"{"title": "before shutdown", "service": "s"}"#)
        #expect(reply.status == 202)
        #expect(try await process.terminate() == 0)
        let log = try String(contentsOfFile: process.logPath, encoding: .utf8)
        #expect(log.contains("pipeline drained and stopped"))
        let store = try SQLiteStore(path: database)
        #expect(try await store.counts().signals == 1)
    }
}
