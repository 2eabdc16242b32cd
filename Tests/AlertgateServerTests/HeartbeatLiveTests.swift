import AlertgateCore
@testable import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// Heartbeats on a real server whose clock the test moves: pings over HTTP as curl sends them,
/// the sweep on the pipeline's clock, and the alerts and incidents they raise and resolve.
@Suite struct HeartbeatLiveTests {
    static let backup = HeartbeatSpec(name: "nightly-backup", service: "backups", schedule: .every(.seconds(600)), grace: .seconds(60), declared: true)

    static func configure(_ config: inout GatewayConfig) {
        config.pipeline.expiryInterval = .seconds(1)
        config.policy.heartbeats = [backup]
    }

    /// Moves the clock and waits for the sweep it wakes (and the commit of what it raised).
    /// Should the tick not yet be asleep when the clock moves, it is nudged by a second.
    static func sweep(after duration: Duration, _ clock: ManualClock, _ gateway: RunningGateway) async throws {
        let before = gateway.gateway.heartbeats.sweepCount
        clock.advance(by: duration)
        for attempt in 1...100 {
            if gateway.gateway.heartbeats.sweepCount > before { return }
            try await Task.sleep(for: .milliseconds(50))
            if attempt % 20 == 0 { clock.advance(by: .seconds(1)) }
        }
        Issue.record("no sweep ran after the clock moved")
    }

    static func heartbeat(_ name: String, _ gateway: RunningGateway) async throws -> [String: Any]? {
        let list = try await gateway.client.get("/api/v1/heartbeats").json["heartbeats"] as? [[String: Any]]
        return list?.first { $0["name"] as? String == name }
    }

    static func incidents(_ gateway: RunningGateway) async throws -> [[String: Any]] {
        try await gateway.client.get("/api/v1/incidents").json["incidents"] as? [[String: Any]] ?? []
    }

    @Test func onTimeLateMissedFailedAndResumed() async throws {
        let clock = ManualClock(Timestamp(Date()))
        try await withRunningGateway(clock: clock, configure: Self.configure) { gateway in
            // Declared: listed before its first ping.
            #expect(try await Self.heartbeat("nightly-backup", gateway)?["state"] as? String == "new")
            let first = try await gateway.client.get("/api/v1/heartbeats/nightly-backup")
            #expect(first.status == 200 && first.json["state"] as? String == "up" && first.json["every"] as? String == "10m")

            // Late (past the period, within the grace): shown, no alert.
            try await Self.sweep(after: .seconds(630), clock, gateway)
            #expect(try await Self.heartbeat("nightly-backup", gateway)?["status"] as? String == "late")
            #expect(try await Self.incidents(gateway).isEmpty)
            #expect(try await gateway.client.post("/api/v1/heartbeats/nightly-backup", "").json["status"] as? String == "up", "on time again")

            // Missed: an outage of its service, detected by a heartbeat.
            try await Self.sweep(after: .seconds(661), clock, gateway)
            var incidents = try await Self.incidents(gateway)
            #expect(incidents.count == 1)
            let incident = try #require(incidents.first)
            #expect(incident["title"] as? String == "Heartbeat nightly-backup missed" && incident["service"] as? String == "backups")
            #expect(incident["type"] as? String == "outage" && incident["detected_by"] as? String == "heartbeat")
            #expect(try await Self.heartbeat("nightly-backup", gateway)?["state"] as? String == "missed")
            // Later sweeps do not raise it again.
            try await Self.sweep(after: .seconds(600), clock, gateway)
            let incidentID = try #require(incident["id"] as? Int)
            #expect(try await gateway.client.get("/api/v1/incidents/\(incidentID)").json["signal_count"] as? Int == 1)

            // The next good ping resolves it.
            let back = try await gateway.client.get("/api/v1/heartbeats/nightly-backup")
            #expect(back.json["state"] as? String == "up" && back.json["incident_id"] as? Int == incidentID)
            #expect(try await gateway.client.get("/api/v1/incidents/\(incidentID)").json["status"] as? String == "resolved")

            // `/fail` with the job's output: a failure alert at once, on the same alert.
            let failed = try await gateway.client.post("/api/v1/heartbeats/nightly-backup/fail", "pg_dump: error: connection refused\nexit 2")
            #expect(failed.json["state"] as? String == "failed")
            let failedIncident = try #require(failed.json["incident_id"] as? Int)
            let signals = try await gateway.client.get("/api/v1/incidents/\(failedIncident)/signals").json["signals"] as? [[String: Any]] ?? []
            let failure = try #require(signals.first { ($0["title"] as? String) == "Heartbeat nightly-backup reported a failure" })
            let failureView = try await gateway.client.get("/api/v1/signals/\(try #require(failure["id"] as? Int))").json
            #expect(((failureView["signal"] as? [String: Any])?["description"] as? String)?.contains("connection refused") == true)
            #expect(try await gateway.client.get("/api/v1/heartbeats/nightly-backup").json["state"] as? String == "up")
            #expect(try await gateway.client.get("/api/v1/incidents/\(failedIncident)").json["status"] as? String == "resolved")

            // A start with no end within the grace is a miss.
            _ = try await gateway.client.get("/api/v1/heartbeats/nightly-backup/start")
            #expect(try await Self.heartbeat("nightly-backup", gateway)?["status"] as? String == "running")
            try await Self.sweep(after: .seconds(61), clock, gateway)
            #expect(try await Self.heartbeat("nightly-backup", gateway)?["state"] as? String == "missed")

            // The stored payload of a heartbeat's signal reads back as the signal it raised.
            incidents = try await Self.incidents(gateway)
            let newest = try #require(incidents.compactMap { $0["id"] as? Int }.max())
            let signal = try #require((try await gateway.client.get("/api/v1/incidents/\(newest)/signals").json["signals"] as? [[String: Any]])?.last)
            let signalID = try #require(signal["id"] as? Int)
            let raw = try await gateway.client.get("/api/v1/signals/\(signalID)/raw")
            let record = try #require(try JSONSerialization.jsonObject(with: raw.body) as? [String: Any])
            #expect(record["heartbeat"] as? String == "nightly-backup" && record["event"] as? String == "missed")
        }
    }

    @Test func aPingMakesAHeartbeatWithTheSettingsItCarries() async throws {
        let clock = ManualClock(Timestamp(Date()))
        try await withRunningGateway(clock: clock, configure: { $0.pipeline.expiryInterval = .seconds(1) }) { gateway in
            let made = try await gateway.client.get("/api/v1/heartbeats/etl-hourly?every=5m&grace=30s&service=etl")
            #expect(made.status == 200 && made.json["declared"] as? Bool == false && made.json["every"] as? String == "5m"
                && made.json["grace"] as? String == "30s" && made.json["service"] as? String == "etl")
            let cron = try await gateway.client.get("/api/v1/heartbeats/report?cron=0+3+*+*+*")
            #expect(cron.json["cron"] as? String == "0 3 * * *" && cron.json["every"] == nil)
            #expect(try await gateway.client.get("/api/v1/heartbeats/bad%20name").status == 400)
            let badCron = try await gateway.client.get("/api/v1/heartbeats/x?cron=0+25+*+*+*")
            #expect(badCron.status == 400 && (badCron.json["error"] as? [String: Any])?["field"] as? String == "cron")
            #expect(try await gateway.client.get("/api/v1/heartbeats/x?every=soon").status == 400)

            try await Self.sweep(after: .seconds(331), clock, gateway)
            let incidents = try await Self.incidents(gateway)
            #expect(incidents.map { $0["service"] as? String } == ["etl"], "only etl-hourly is overdue")
            #expect(try await Self.heartbeat("report", gateway)?["state"] as? String == "up")
        }
    }

    @Test func aReloadWatchesADeclaredHeartbeatAndLetsGoOfOneNoLongerDeclared() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let configPath = folder.file("alertgate.yaml")
        let base = "pipeline:\n  expiry_interval: 1s\n"
        try base.write(toFile: configPath, atomically: true, encoding: .utf8)
        let clock = ManualClock(Timestamp(Date()))
        try await withRunningGateway(configPath: configPath, clock: clock) { gateway in
            #expect((try await gateway.client.get("/api/v1/heartbeats").json["heartbeats"] as? [[String: Any]])?.isEmpty == true)
            try (base + "heartbeats:\n  - {name: nightly-backup, service: backups, every: 10m, grace: 1m}\n")
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            #expect(try await gateway.client.post("/api/v1/admin/reload", "").status == 200)
            let watched = try await eventually { try await Self.heartbeat("nightly-backup", gateway)?["declared"] as? Bool == true }
            #expect(watched)
            // Never pinged: missed a period and a grace after it was declared.
            try await Self.sweep(after: .seconds(661), clock, gateway)
            let incident = try #require(try await Self.incidents(gateway).first)
            #expect(incident["detected_by"] as? String == "heartbeat" && incident["status"] as? String == "open")
            let incidentID = try #require(incident["id"] as? Int)

            // Taken out of the config: no longer watched, and the alert it fired resolves.
            try base.write(toFile: configPath, atomically: true, encoding: .utf8)
            #expect(try await gateway.client.post("/api/v1/admin/reload", "").status == 200)
            let resolved = try await eventually {
                try await gateway.client.get("/api/v1/incidents/\(incidentID)").json["status"] as? String == "resolved"
            }
            #expect(resolved)
            #expect((try await gateway.client.get("/api/v1/heartbeats").json["heartbeats"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func oneMissedWhileAlertgateWasDownIsRaisedOnceAfterStart() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        let clock = ManualClock(Timestamp(Date()))
        try await withRunningGateway(databasePath: database, clock: clock, configure: Self.configure) { gateway in
            let state = try await gateway.client.get("/api/v1/heartbeats/nightly-backup").json["state"] as? String
            #expect(state == "up")
        }
        // Down for an hour: the sweep at start finds the miss.
        clock.advance(by: .seconds(3600))
        let incidentID = try await withRunningGateway(databasePath: database, clock: clock, configure: Self.configure) { gateway in
            let raised = try await eventually { try await Self.incidents(gateway).count == 1 }
            #expect(raised)
            let incident = try #require(try await Self.incidents(gateway).first)
            #expect(incident["detected_by"] as? String == "heartbeat")
            return try #require(incident["id"] as? Int)
        }
        clock.advance(by: .seconds(3600))
        try await withRunningGateway(databasePath: database, clock: clock, configure: Self.configure) { gateway in
            try await Self.sweep(after: .seconds(5), clock, gateway)
            let incidents = try await Self.incidents(gateway)
            #expect(incidents.count == 1)
            #expect(try await gateway.client.get("/api/v1/incidents/\(incidentID)").json["signal_count"] as? Int == 1, "raised once, not at every start")
            // Resumed: the job pings again and the alert resolves.
            #expect(try await gateway.client.get("/api/v1/heartbeats/nightly-backup").json["incident_id"] as? Int == incidentID)
            #expect(try await gateway.client.get("/api/v1/incidents/\(incidentID)").json["status"] as? String == "resolved")
        }
    }
}
