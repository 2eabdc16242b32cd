import AlertgateTesting
import Foundation
import Synchronization
import Testing

/// Three `alertgate serve` processes writing to one PostgreSQL database side by side
/// (`storage.writers: all`): clients send the same alerts to all three at the same moment, and
/// the database holds one answer, as one gateway would have given it.
@Suite struct PostgresReplicasLiveTests {
    static let services = (0..<12).map { "svc-\($0)" }

    static func config(receiverURL: String, extra: String = "") -> String {
        """
        storage: {writers: all}
        catalog:
          services: [\(services.map { "{name: \($0), team: payments}" }.joined(separator: ", "))]
        receivers:
          - {name: hook, webhook: {url: "\(receiverURL)/hook"}}
        routes:
          - {match: {team: payments}, receivers: [hook], send: [opened, resolved], group_wait: 0s}
        notify: {timeout: 1s, retry_initial: 100ms, retry_max: 400ms, poll_interval: 100ms, max_age: 1h}
        \(extra)
        """
    }

    static func start(_ count: Int, url: String, config: String, in folder: TemporaryDirectory) async throws -> [GatewayProcess] {
        let configPath = folder.file("alertgate.yaml")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var gateways: [GatewayProcess] = []
        for n in 0..<count {
            gateways.append(try await GatewayProcess(arguments: ["--storage-url", url, "--config", configPath], logPath: folder.file("gateway-\(n).log")))
        }
        return gateways
    }

    static func event(_ service: String) -> String {
        #"{"title": "Down", "service": "\#(service)", "severity": "critical"}"#
    }

    /// Every notification of every incident (not the reminders a route schedules while an
    /// incident stays open), once all are delivered, oldest first: checked to be one per
    /// transition (no transition has two), each seen by the receiver with its key (a slow answer
    /// may make a gateway send one again, with the same key).
    static func deliveredNotifications(_ client: TestHTTPClient, receiver: TestReceiver) async throws -> [[String: Any]] {
        var notifications: [[String: Any]] = []
        let delivered = try await eventually(timeout: .seconds(60)) {
            let incidents = try await client.get("/api/v1/incidents?limit=100").json["incidents"] as? [[String: Any]] ?? []
            notifications = []
            for id in incidents.compactMap({ $0["id"] as? Int }).sorted() {
                notifications += try await NotificationLiveTests.notifications(client, incident: id)
                    .filter { $0["repeat"] as? Bool == false }
                    .sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
            }
            return !notifications.isEmpty && notifications.allSatisfy { $0["status"] as? String == "delivered" }
        }
        #expect(delivered, "\(notifications)")
        let transitions = notifications.map { "\($0["incident_id"] ?? "") \($0["transition_sequence"] ?? "")" }
        #expect(Set(transitions).count == transitions.count, "one notification per transition: \(transitions)")
        let keys = Set(receiver.received.compactMap { $0.header("Idempotency-Key") })
        #expect(keys == Set(notifications.compactMap { $0["idempotency_key"] as? String }), "\(keys)")
        return notifications
    }

    /// Each service's alert is sent by three clients at once, one to each gateway, four times
    /// over: one alert per fingerprint, one incident per correlation key, every repeat counted,
    /// and one notification per transition, delivered once.
    @Test func threeGatewaysGivenTheSameAlertsAtOnceMakeOneAlertOneIncidentAndOneNotificationEach() async throws {
        let url = try await TemporaryPostgres.database()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try await TestReceiver()
        defer { Task { await receiver.stop() } }
        let gateways = try await Self.start(3, url: url, config: Self.config(receiverURL: receiver.url), in: folder)
        let rounds = 4
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for gateway in gateways {
                for service in Self.services {
                    group.addTask {
                        var accepted = 0
                        for _ in 0..<rounds where try await gateway.client.post("/api/v1/events", Self.event(service)).status == 202 {
                            accepted += 1
                        }
                        return accepted
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(accepted == gateways.count * Self.services.count * rounds)

        // Every gateway answers the same: one incident per service, holding one alert that
        // counted every signal sent.
        var answers: [String] = []
        for gateway in gateways {
            let incidents = try #require(try await gateway.client.get("/api/v1/incidents?limit=100").json["incidents"] as? [[String: Any]])
            #expect(incidents.count == Self.services.count)
            #expect(Set(incidents.compactMap { $0["service"] as? String }) == Set(Self.services))
            var summary: [String] = []
            for incident in incidents {
                let id = try #require(incident["id"] as? Int)
                let detail = try await gateway.client.get("/api/v1/incidents/\(id)").json
                let alerts = try #require(detail["alerts"] as? [[String: Any]])
                #expect(alerts.count == 1, "incident \(id): \(alerts)")
                let count = alerts.compactMap { $0["count"] as? Int }.reduce(0, +)
                #expect(count == gateways.count * rounds, "incident \(id) counted \(count)")
                summary.append("\(id) \(incident["service"] ?? "") \(count)")
            }
            let firing = try await gateway.client.get("/api/v2/alerts").jsonArray
            #expect(firing.count == Self.services.count)
            answers.append(summary.sorted().joined(separator: "\n"))
        }
        #expect(Set(answers).count == 1, "\(answers)")

        // Commands through different gateways land on one timeline, in the order they were made;
        // a silence made through one is in force on the others within a second.
        let first = try #require(answers.first?.split(separator: " ").first.flatMap { Int($0) })
        #expect(try await gateways[1].client.post("/api/v1/incidents/\(first)/acknowledge", #"{"by": "alice"}"#).status == 200)
        #expect(try await gateways[2].client.post("/api/v1/incidents/\(first)/notes", #"{"by": "bob", "note": "failing over"}"#).status == 200)
        #expect(try await gateways[0].client.post("/api/v1/incidents/\(first)/resolve", #"{"by": "carol"}"#).status == 200)
        let timeline = try #require(try await gateways[1].client.get("/api/v1/incidents/\(first)").json["timeline"] as? [[String: Any]])
        let acts = timeline.filter { $0["by"] != nil && !($0["by"] is NSNull) }.map { "\($0["kind"] ?? "") \($0["by"] ?? "")" }
        #expect(acts == ["acknowledged alice", "note bob", "resolved carol"], "\(timeline)")
        let silence = try await gateways[0].client.post("/api/v1/silences",
                                                        #"{"matchers": ["service=quiet"], "duration": "1h", "created_by": "ana", "comment": "drill"}"#)
        #expect(silence.status == 201)
        var attempt = 0
        #expect(try await eventually(timeout: .seconds(10)) {
            // A new alert each time: one already firing would go on as a repeat.
            attempt += 1
            let reply = try await gateways[2].client.post("/api/v1/events", #"{"title": "Noise \#(attempt)", "service": "quiet"}"#)
            return (reply.json["results"] as? [[String: Any]])?.first?["decision"] as? String == "silenced"
        })

        // One notification per incident opened, whichever gateway sent it.
        let notifications = try await Self.deliveredNotifications(gateways[2].client, receiver: receiver)
        let opened = notifications.filter { $0["transition"] as? String == "incident_opened" }
        #expect(opened.count == Self.services.count, "one opened per incident")
        for gateway in gateways { #expect(try await gateway.terminate() == 0) }
    }

    /// One gateway of three is killed (SIGKILL) while clients send to all of them: every signal
    /// acknowledged by any is stored, and the others carry on its work: the alerts it placed
    /// resolve by `resolve_timeout` on their sweeps, and the notifications go out.
    @Test func whenOneGatewayIsKilledTheOthersKeepWhatItAcknowledgedAndSweepForIt() async throws {
        let url = try await TemporaryPostgres.database()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try await TestReceiver()
        defer { Task { await receiver.stop() } }
        let config = Self.config(receiverURL: receiver.url, extra: """
            correlation: {resolve_timeout: 4s}
            pipeline: {expiry_interval: 200ms}
            """)
        let gateways = try await Self.start(3, url: url, config: config, in: folder)
        let tally = Tally()
        let senders = (0..<3).map { n in
            Task {
                var sent = 0
                while tally.sending.load(ordering: .relaxed) {
                    let body = #"{"title": "Slow \#(sent)", "service": "\#(Self.services[n])", "severity": "critical"}"#
                    sent += 1
                    guard let reply = try? await gateways[n].client.post("/api/v1/events", body), reply.status == 202 else { continue }
                    let ids = ((reply.json["results"] as? [[String: Any]]) ?? []).compactMap { $0["signal_id"] as? Int }
                    tally.acknowledged.withLock { $0 += ids }
                }
            }
        }
        // Killed once each gateway has acknowledged some.
        #expect(try await eventually(timeout: .seconds(60)) { tally.acknowledged.withLock { $0.count } >= 30 })
        try await gateways[0].kill()
        try await Task.sleep(for: .milliseconds(500))
        tally.sending.store(false, ordering: .relaxed)
        for sender in senders { await sender.value }

        let survivor = gateways[1].client
        let ids = tally.acknowledged.withLock { $0 }
        #expect(ids.count > 30)
        for id in ids { #expect(try await survivor.get("/api/v1/signals/\(id)").status == 200, "signal \(id)") }

        // Nothing repeats any more: every alert resolves by resolve_timeout on the survivors'
        // sweeps, those the killed gateway placed too, and each incident resolves with them.
        #expect(try await eventually(timeout: .seconds(30)) {
            let incidents = try await survivor.get("/api/v1/incidents?limit=100").json["incidents"] as? [[String: Any]] ?? []
            return incidents.count == 3 && incidents.allSatisfy { $0["status"] as? String == "resolved" }
        })
        #expect(try await survivor.get("/api/v2/alerts").jsonArray.isEmpty)
        // Opened and resolved for each incident, sent by whichever gateway was there. (On a slow
        // machine a gap between sends longer than resolve_timeout resolves an incident and the
        // next send reopens it: more transitions, each with its notification.)
        let notifications = try await Self.deliveredNotifications(survivor, receiver: receiver)
        for id in Set(notifications.compactMap { $0["incident_id"] as? Int }) {
            let kinds = notifications.filter { $0["incident_id"] as? Int == id }.compactMap { $0["transition"] as? String }
            #expect(kinds.first == "incident_opened" && kinds.last == "incident_resolved", "incident \(id): \(kinds)")
        }
        for gateway in gateways.dropFirst() { #expect(try await gateway.terminate() == 0) }
    }
}

/// What the senders of the SIGKILL test share: the signals acknowledged, and whether to go on.
private final class Tally: Sendable {
    let acknowledged = Mutex<[Int]>([])
    let sending = Atomic<Bool>(true)
}
