import AlertgateCore
import AlertgateTesting
import Foundation
import Synchronization
import Testing

/// Notifications end to end on real sockets: a real gateway, its outbox in a real SQLite file,
/// and a real receiver on 127.0.0.1 that is down, then fails, then answers.
@Suite struct NotificationLiveTests {
    static func config(receiverURL: String, extra: String = "") -> String {
        """
        catalog:
          services: [{name: checkout, team: payments, tier: 1}]
        receivers:
          - {name: hook, webhook: {url: "\(receiverURL)/hook", secret: s3cret}}
        routes:
          - {match: {team: payments}, receivers: [hook], send: [opened, acknowledged, resolved], group_wait: 0s}
        notify: {timeout: 1s, retry_initial: 100ms, retry_max: 400ms, poll_interval: 100ms, max_age: 1h}
        \(extra)
        """
    }

    static func notifications(_ client: TestHTTPClient, incident: Int) async throws -> [[String: Any]] {
        try await client.get("/api/v1/incidents/\(incident)/notifications").json["notifications"] as? [[String: Any]] ?? []
    }


    @Test func aReceiverThatIsDownThenFailsThenAnswersGetsEachMessageOnceInOrder() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // A receiver that is down: its port refuses connections.
        let reserved = try ReservedPort()
        let port = reserved.port
        let configPath = folder.file("alertgate.yaml")
        try Self.config(receiverURL: "http://127.0.0.1:\(port)").write(toFile: configPath, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: configPath) { gateway in
            let client = gateway.client
            #expect(try await client.post("/api/v1/events", #"{"title": "PaymentsDown", "service": "checkout", "severity": "critical"}"#).status == 202)
            // Refused: the first attempts fail and are kept for later, with their error.
            let refused = try await eventually(timeout: .seconds(30)) {
                let rows = try await Self.notifications(client, incident: 1)
                return (rows.first?["attempts"] as? Int ?? 0) >= 2 && rows.first?["last_error"] is String
            }
            #expect(refused)
            #expect(try await client.post("/api/v1/incidents/1/acknowledge", #"{"by": "ana"}"#).status == 200)
            #expect(try await client.post("/api/v1/incidents/1/resolve", #"{"by": "ana"}"#).status == 200)
            let waiting = try await Self.notifications(client, incident: 1)
            #expect(waiting.map { $0["transition"] as? String } == ["incident_opened", "incident_acknowledged", "incident_resolved"])
            #expect(waiting.allSatisfy { $0["status"] as? String == "pending" })
            // Later messages wait for the first: not one attempt yet.
            #expect(waiting.dropFirst().allSatisfy { $0["attempts"] as? Int == 0 })

            // The receiver comes up: a 503 with Retry-After, then an answer slower than the timeout, then 200s.
            let receiver = try await TestReceiver(port: port, script: [.status(503, retryAfter: "1"), .delay(.milliseconds(1500))])
            reserved.release()
            defer { Task { await receiver.stop() } }
            let delivered = try await eventually(timeout: .seconds(20)) {
                try await Self.notifications(client, incident: 1).allSatisfy { $0["status"] as? String == "delivered" }
            }
            #expect(delivered)
            let rows = try await Self.notifications(client, incident: 1)
            #expect((rows[0]["attempts"] as? Int ?? 0) >= 4, "refused, 503, timeout, then delivered")
            #expect(rows[1]["attempts"] as? Int == 1 && rows[2]["attempts"] as? Int == 1)

            let received = receiver.received
            let keys = received.map { $0.header("Idempotency-Key") ?? "" }
            // The first message at least three times (503, timed out, 200; more on a slow machine)
            // with one key, then the others: in order, each key in one run.
            var runs: [String] = []
            for key in keys where runs.last != key { runs.append(key) }
            #expect(runs == rows.map { $0["idempotency_key"] as? String ?? "" }, "\(keys)")
            #expect(keys.filter { $0 == runs.first }.count >= 3)
            var kinds: [String] = []
            for request in received {
                let kind = (request.json["transition"] as? [String: Any])?["kind"] as? String ?? ""
                if kinds.last != kind { kinds.append(kind) }
            }
            #expect(kinds == ["incident_opened", "incident_acknowledged", "incident_resolved"])
            // Retry-After: 1 held the next attempt back at least a second.
            #expect(received[1].at.timeIntervalSince(received[0].at) >= 0.95)
            // Each body is signed.
            for request in received {
                #expect(request.header("X-Alertgate-Signature")?.hasPrefix("sha256=") == true)
                #expect(request.json["version"] as? String == "1")
            }
            // The message acted on last carries the incident as it is when sent.
            #expect((received.last?.json["incident"] as? [String: Any])?["status"] as? String == "resolved")

            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"alertgate_notification_attempts_total{receiver="hook",result="delivered"} 3"#), "\(metrics)")
            #expect(metrics.contains("alertgate_notifications_pending 0"))
            let retries = metrics.split(separator: "\n").first { $0.hasPrefix(#"alertgate_notification_attempts_total{receiver="hook",result="retry"}"#) }
            #expect(Int(retries?.split(separator: " ").last ?? "0") ?? 0 >= 3)
            let all = try await client.get("/api/v1/notifications?status=delivered").json["notifications"] as? [[String: Any]]
            #expect(all?.count == 3)
            let stats = try await client.get("/api/v1/stats").json
            #expect(((stats["overall"] as? [String: Any])?["notifications"] as? [String: Any])?["sent"] as? Int == 3)
        }
    }

    @Test func aReceiverThatRefusesTheRequestForGoodIsGivenUpAtOnce() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try await TestReceiver(script: [.status(400)])
        defer { Task { await receiver.stop() } }
        let configPath = folder.file("alertgate.yaml")
        // A timeout long enough that a loaded machine does not turn the answer into a retry.
        try Self.config(receiverURL: receiver.url, extra: "").replacingOccurrences(of: "timeout: 1s", with: "timeout: 10s")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: configPath) { gateway in
            _ = try await gateway.client.post("/api/v1/events", #"{"title": "PaymentsDown", "service": "checkout"}"#)
            let failed = try await eventually(timeout: .seconds(30)) {
                try await Self.notifications(gateway.client, incident: 1).first?["status"] as? String == "failed"
            }
            #expect(failed)
            let row = try #require(try await Self.notifications(gateway.client, incident: 1).first)
            #expect(row["attempts"] as? Int == 1 && row["last_error"] as? String == "HTTP 400", "\(row)")
            #expect(receiver.received.count == 1)
        }
    }

    @Test func anOpenIncidentNobodyAcknowledgesIsSentAgainAndEscalated() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try await TestReceiver()
        defer { Task { await receiver.stop() } }
        let clock = ManualClock(Timestamp(Date()))
        let configPath = folder.file("alertgate.yaml")
        try """
            catalog:
              services: [{name: checkout, team: payments, tier: 1, oncall: payments-primary}]
            receivers:
              - {name: hook, webhook: {url: "\(receiver.url)/hook"}}
              - {name: pager, webhook: {url: "\(receiver.url)/pager"}}
              - {name: boss, webhook: {url: "\(receiver.url)/boss"}}
            routes:
              - {receivers: [hook], group_wait: 30s, repeat_interval: 10m}
            escalations:
              - {name: payments-primary, steps: [{notify: [pager], after: 0m}, {notify: [boss], after: 5m}]}
            notify: {poll_interval: 1s}
            correlation: {resolve_timeout: 24h}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: configPath, clock: clock) { gateway in
            let client = gateway.client
            // Waits for `paths`, moving the clock a second at a time: a sender that went to sleep
            // just as the clock moved wakes on the next second (the next step is minutes away).
            func received(_ paths: [String]) async throws -> Bool {
                try await eventually(timeout: .seconds(30)) {
                    if receiver.received.map(\.path) == paths { return true }
                    clock.advance(by: .seconds(1))
                    return false
                }
            }
            _ = try await client.post("/api/v1/events", #"{"title": "PaymentsDown", "service": "checkout", "severity": "critical"}"#)
            // The page goes at once; the route's message waits its group wait.
            #expect(try await eventually(timeout: .seconds(30)) { receiver.received.map(\.path) == ["/pager"] })
            // Another alert joins within the group wait: one message carries both.
            _ = try await client.post("/api/v1/events", #"{"title": "CheckoutErrors", "service": "checkout", "severity": "error"}"#)
            clock.advance(by: .seconds(31))
            try #require(try await received(["/pager", "/hook"]))
            #expect((receiver.received[1].json["alerts"] as? [Any])?.count == 2)
            // Nobody acknowledges: after 5 minutes the next step, after 10 the route's repeat.
            clock.advance(by: .seconds(300))
            try #require(try await received(["/pager", "/hook", "/boss"]))
            clock.advance(by: .seconds(300))
            try #require(try await received(["/pager", "/hook", "/boss", "/hook"]))
            #expect((receiver.received[3].json["transition"] as? [String: Any])?["repeat"] as? Bool == true)
            let timeline = try await client.get("/api/v1/incidents/1").json["timeline"] as? [[String: Any]] ?? []
            #expect(timeline.filter { $0["kind"] as? String == "paged" }.count == 2)

            // Acknowledged: no more steps, and the pending repeat is cancelled rather than sent.
            #expect(try await client.post("/api/v1/incidents/1/acknowledge", #"{"by": "ana"}"#).status == 200)
            clock.advance(by: .seconds(1200))
            let settled = try await eventually(timeout: .seconds(30)) {
                try await Self.notifications(client, incident: 1).contains { $0["status"] as? String == "cancelled" } && receiver.received.count == 5
            }
            #expect(settled)
            // What the receiver still gets is the acknowledgement itself (the route sends it by default).
            #expect(receiver.received.map(\.path) == ["/pager", "/hook", "/boss", "/hook", "/hook"])
            #expect((receiver.received[4].json["transition"] as? [String: Any])?["kind"] as? String == "incident_acknowledged")
        }
    }

    @Test func aSlackReceiverGetsTextAndBlocksAndPublicUpdates() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try await TestReceiver()
        defer { Task { await receiver.stop() } }
        let configPath = folder.file("alertgate.yaml")
        try """
            catalog:
              services: [{name: checkout, team: payments, tier: 1, runbook: "https://runbooks.example/checkout"}]
            receivers:
              - {name: chat, slack: {url: "\(receiver.url)/services/T0/B0/x", channel: "#incidents"}}
            routes:
              - {receivers: [chat], send: [opened, public_update], group_wait: 0s}
            http: {external_url: "https://alertgate.example"}
            notify: {poll_interval: 100ms}
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: configPath) { gateway in
            let client = gateway.client
            _ = try await client.post("/api/v1/events", #"{"title": "Checkout <5xx> above 1%", "service": "checkout", "severity": "critical"}"#)
            #expect(try await eventually(timeout: .seconds(30)) { receiver.received.count == 1 })
            let opened = try #require(receiver.received.first)
            #expect(opened.path == "/services/T0/B0/x" && opened.header("Content-Type") == "application/json")
            #expect(opened.json["text"] as? String == "[SEV1] #1 checkout: Checkout <5xx> above 1% (opened)")
            #expect(opened.json["channel"] as? String == "#incidents")
            let blocks = try #require(opened.json["blocks"] as? [[String: Any]])
            #expect(blocks.map { $0["type"] as? String } == ["header", "section", "section", "context"])
            let context = ((blocks.last?["elements"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            #expect(context == "<https://alertgate.example/api/v1/incidents/1|Incident #1> · <https://runbooks.example/checkout|Runbook>")
            // Slack's control characters are escaped in mrkdwn.
            #expect(((blocks[2]["text"] as? [String: Any])?["text"] as? String)?.contains("Checkout &lt;5xx&gt; above 1%") == true)

            #expect(try await client.post("/api/v1/incidents/1/updates", #"{"text": "A fix is rolling out.", "public": true, "by": "ana"}"#).status == 200)
            #expect(try await client.post("/api/v1/incidents/1/updates", #"{"text": "db failover done", "by": "ana"}"#).status == 200)
            #expect(try await eventually(timeout: .seconds(30)) { receiver.received.count == 2 })
            #expect(receiver.received[1].json["text"] as? String == "[SEV1] #1 checkout: Checkout <5xx> above 1% (public update: A fix is rolling out.)")
            try await Task.sleep(for: .milliseconds(300))
            // The internal update is no transition: nothing more was sent.
            #expect(receiver.received.count == 2)
        }
    }

    /// SIGKILL between the receiver's answer and the record of it: after a restart the message
    /// goes again with the same idempotency key, so a receiver that keeps keys acts once.
    @Test func aCrashBetweenSendingAndRecordingResendsWithTheSameKey() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        let victim = Mutex<GatewayProcess?>(nil)
        let receiver = try await TestReceiver(script: [.perform {
            // The receiver has the message; alertgate dies before it hears back.
            if let process = victim.withLock({ $0 }) { try? await process.kill() }
        }])
        defer { Task { await receiver.stop() } }
        let configPath = folder.file("alertgate.yaml")
        // A timeout that a loaded test machine's receiver answers within (the resend waits for
        // the claim's lease: two timeouts and a second).
        try Self.config(receiverURL: receiver.url).replacingOccurrences(of: "timeout: 1s", with: "timeout: 3s")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let first = try await GatewayProcess(arguments: ["--database", database, "--config", configPath], logPath: folder.file("first.log"))
        victim.withLock { $0 = first }
        #expect(try await first.client.post("/api/v1/events", #"{"title": "PaymentsDown", "service": "checkout"}"#).status == 202)
        #expect(try await eventually(timeout: .seconds(30)) { !first.child.isRunning })

        let second = try await GatewayProcess(arguments: ["--database", database, "--config", configPath], logPath: folder.file("second.log"))
        defer { _ = Task { try? await second.terminate() } }
        let delivered = try await eventually(timeout: .seconds(40)) {
            try await Self.notifications(second.client, incident: 1).first?["status"] as? String == "delivered"
        }
        #expect(delivered)
        let keys = receiver.received.map { $0.header("Idempotency-Key") }
        let rows = try await Self.notifications(second.client, incident: 1)
        // Sent before the crash and again after it (more often if an answer is slow on a loaded
        // machine), always with the one key: a receiver that keeps the keys it acted on acts once.
        #expect(keys.count >= 2 && keys[0] != nil, "received \(keys), outbox \(rows)")
        #expect(Set(keys).count == 1)
        let row = try #require(rows.first)
        // Every request the receiver got was an attempt the outbox counted; on a loaded machine
        // an attempt may also time out before the receiver has the request, and count alone.
        #expect((row["attempts"] as? Int ?? 0) >= keys.count, "received \(keys), outbox \(rows)")
    }
}
