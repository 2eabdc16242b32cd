import AlertgateCore
import AlertgatePostgres
import AlertgateServer
import AlertgateStorage
import AlertgateTesting
import Foundation
import Synchronization
import Testing

/// A whole gateway on PostgreSQL (`storage.url`, a server of the test's own from
/// `TemporaryPostgres`): what it does on SQLite, one writer at a time (a second waits as a
/// standby), and what it stored there after a restart or a SIGKILL.
@Suite struct PostgresLiveTests {
    @Test func aGatewayOnPostgreSQLIngestsFoldsActsAndRestartsWhereItWas() async throws {
        let url = try await TemporaryPostgres.database()
        let first = try FoldedRepeatsLiveTests.fixture("firing-first"), resend = try FoldedRepeatsLiveTests.fixture("firing-resend")
        let clock = ManualClock(try #require(RFC3339.parse("2026-11-29T05:02:40.891Z")))
        let json = ["Content-Type": "application/json"]
        let (standbys, standbyWaits) = AsyncStream.makeStream(of: Void.self)
        let standbyOpened = TestFlag()
        let (incidentID, standby) = try await withRunningGateway(clock: clock, configure: { $0.storage.url = url }) { gateway in
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

            // A second gateway on the same database waits as a standby while this one runs.
            var standbyConfig = GatewayConfig()
            standbyConfig.storage.url = url
            let config = standbyConfig
            let standby = Task {
                let opened = try await Gateway.open(config: config, onStandby: { standbyWaits.yield() })
                standbyOpened.set()
                return opened
            }
            var waits = standbys.makeAsyncIterator()
            _ = await waits.next()
            #expect(try await client.get("/api/v1/incidents/\(id)").status == 200)
            let opened = standbyOpened.isSet
            #expect(!opened, "the standby does not open while this gateway holds the lock")
            return (id, standby)
        }
        // Once the first has stopped, the standby holds the lock and reads what it left.
        let tookOver = try await standby.value
        #expect(try await tookOver.store.incident(id: Int64(incidentID))?.status == .acknowledged)
        await (tookOver.store as? PostgresStore)?.close()

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

    /// Two `alertgate serve` processes on one database: the second waits; the first is killed
    /// (SIGKILL) while a client sends; the second takes over with every acknowledged event, and
    /// delivers the notification the first was sending when it died, with the same key.
    @Test func aStandbyTakesOverFromAKilledGatewayWithEveryAcknowledgedSignal() async throws {
        let url = try await TemporaryPostgres.database()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let killFirst = Mutex<GatewayProcess?>(nil)
        let receiver = try await TestReceiver(script: [.perform {
            if let first = killFirst.withLock({ $0 }) { try? await first.kill() }
        }])
        defer { Task { await receiver.stop() } }
        let configPath = folder.file("alertgate.yaml")
        try NotificationLiveTests.config(receiverURL: receiver.url).write(toFile: configPath, atomically: true, encoding: .utf8)
        let arguments = ["--storage-url", url, "--config", configPath]
        let first = try await GatewayProcess(arguments: arguments, logPath: folder.file("first.log"))
        let secondStarted = Task { try await GatewayProcess(arguments: arguments, logPath: folder.file("second.log"), timeout: .seconds(120)) }
        #expect(try await eventually(timeout: .seconds(30)) {
            ((try? String(contentsOfFile: folder.file("second.log"), encoding: .utf8)) ?? "").contains("waiting to take over")
        })

        // Events for other services first, acknowledged by the first gateway.
        var acknowledged: [Int] = []
        for n in 0..<20 {
            let reply = try await first.client.post("/api/v1/events", #"{"title": "Slow \#(n)", "service": "search-\#(n)", "severity": "warning"}"#)
            #expect(reply.status == 202)
            acknowledged += ((reply.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["signal_id"] as? Int }
        }
        // Then a page for payments: the first gateway dies while delivering it, which may be
        // before its answer to this request is out (then the event was not acknowledged, though
        // stored: delivery follows the commit).
        killFirst.withLock { $0 = first }
        if let page = try? await first.client.post("/api/v1/events", #"{"title": "PaymentsDown", "service": "checkout", "severity": "critical"}"#) {
            #expect(page.status == 202)
            acknowledged += ((page.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["signal_id"] as? Int }
        }
        #expect(try await eventually(timeout: .seconds(30)) { !first.child.isRunning })

        let second = try await secondStarted.value
        let client = second.client
        for id in acknowledged { #expect(try await client.get("/api/v1/signals/\(id)").status == 200, "signal \(id)") }
        #expect(acknowledged.count >= 20)
        // The page the first was sending when it died goes out again from the second, with its key.
        #expect(try await eventually(timeout: .seconds(30)) {
            let rows = try await client.get("/api/v1/incidents/21/notifications").json["notifications"] as? [[String: Any]] ?? []
            return rows.first?["status"] as? String == "delivered"
        })
        let keys = receiver.received.map { $0.header("Idempotency-Key") ?? "" }
        #expect(keys.count >= 2 && Set(keys).count == 1, "\(keys)")
        // And it goes on where the first left off: a repeat joins the open incident.
        let repeatPage = try await client.post("/api/v1/events", #"{"title": "PaymentsDown", "service": "checkout", "severity": "critical"}"#)
        #expect((repeatPage.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int == 21)
        #expect(try await second.terminate() == 0)
    }
}
