import AlertgateCore
import AlertgateServer
import AlertgateStorage
import AlertgateTesting
import Foundation
import Testing

@Suite("Retention in a running gateway: pruned payloads answer 410, the database stays bounded")
struct RetentionLiveTests {
    static func signalIDs(_ reply: TestHTTPClient.Reply) -> [Int] {
        (reply.json["results"] as? [[String: Any]] ?? []).compactMap { $0["signal_id"] as? Int }
    }

    @Test func aPrunedPayloadAnswers410AndItsSignalStays() async throws {
        let clock = ManualClock(Timestamp(Date()))
        try await withRunningGateway(clock: clock, configure: {
            $0.retention.payloads = .seconds(3600)
            $0.retention.interval = .seconds(600)
        }) { gateway in
            let body = #"{"title": "Disk almost full", "service": "db"}"#
            let id = try #require(Self.signalIDs(try await gateway.client.post("/api/v1/events", body)).first)
            #expect(try await gateway.client.get("/api/v1/signals/\(id)/raw").text == body)

            // The first pass runs a minute after start; an hour and a bit later the body is old enough.
            clock.advance(by: .seconds(3660))
            try #require(try await eventually(timeout: .seconds(60)) { gateway.gateway.retentionStats.snapshot.passes == 1 })
            let raw = try await gateway.client.get("/api/v1/signals/\(id)/raw")
            #expect(raw.status == 410)
            let error = try #require(raw.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "payload_pruned")
            #expect((error["message"] as? String)?.contains("deleted by retention (retention.payloads: 1h)") == true)
            let signal = try await gateway.client.get("/api/v1/signals/\(id)")
            #expect(signal.status == 200 && signal.json["title"] as? String == "Disk almost full")
            let metrics = try await gateway.client.get("/metrics").text
            #expect(metrics.contains("alertgate_retention_deleted_rows_total{table=\"payloads\"} 1\n"))
            #expect(metrics.contains("alertgate_retention_passes_total{result=\"success\"} 1\n"))
        }
    }

    /// Rounds of ten minutes on a manual clock. Each round a Prometheus resends the same three
    /// alerts of `steady` (compressed against an earlier body, which must outlive the resends
    /// that need it), a new service fires eight alerts carrying kilobytes of their own, CI posts a
    /// deploy, and someone closes the incident of the round before. Payloads go after 1h,
    /// signals of no incident after 2h, closed incidents after 3h.
    @Test func underSteadyIngestTheDatabaseStaysBounded() async throws {
        let clock = ManualClock(Timestamp(Date()))
        let rounds = 40
        let round: Duration = .seconds(600)
        try await withRunningGateway(clock: clock, configure: {
            $0.retention.payloads = .seconds(3600)
            $0.retention.signals = .seconds(2 * 3600)
            $0.retention.incidents = .seconds(3 * 3600)
            $0.retention.interval = round
            $0.retention.batch = 50
            // Alerts stay firing between rounds.
            $0.correlation.resolveTimeout = .seconds(4 * 3600)
            // Every resend a signal, so each body is found through its signal's /raw.
            $0.correlation.foldRepeats = false
        }) { gateway in
            let client = gateway.client
            let store = try #require(gateway.gateway.store as? SQLiteStore)
            var pages: [Int] = [try store.fileStats().pageCount]
            var previousIncident: Int?
            var steadyBodies: [String] = []
            var lastRound: (id: Int, body: String)?
            for r in 0..<rounds {
                let now = clock.now()
                let steady = (0..<3).map { n in
                    #"{"labels":{"alertname":"Watchdog\#(n)","service":"steady","severity":"info"},"annotations":{"summary":"Always firing while the alerting pipeline works. \#(String(repeating: "padding ", count: 20))"},"startsAt":"\#(Timestamp(milliseconds: 0).rfc3339)","endsAt":"\#((now + .seconds(3600)).rfc3339)"}"#
                }
                steadyBodies.append("[\(steady.joined(separator: ","))]")
                #expect(try await client.post("/api/v2/alerts", steadyBodies[r]).status == 200)

                let service = "svc-\(r)"
                let events = (0..<8).map { n in
                    let noise = pseudoRandomBytes(count: 2000, seed: UInt64(r * 8 + n)).map { String(format: "%02x", $0) }.joined()
                    return #"{"title":"Errors on \#(service) shard \#(n)","service":"\#(service)","description":"\#(noise)"}"#
                }
                let eventsBody = "[\(events.joined(separator: ","))]"
                let reply = try await client.post("/api/v1/events", eventsBody)
                #expect(reply.status == 202)
                lastRound = (try #require(Self.signalIDs(reply).first), eventsBody)
                let change = #"{"title":"deploy \#(service) v\#(r)","service":"\#(service)"}"#
                #expect(try await client.post("/api/v1/changes", change).status == 202)

                if let previousIncident {
                    #expect(try await client.post("/api/v1/incidents/\(previousIncident)/close", "{}").status == 200)
                }
                previousIncident = (reply.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int

                clock.advance(by: round)
                // Done, and asleep again with the expiry tick and the notification sender.
                try #require(try await eventually(timeout: .seconds(60)) {
                    gateway.gateway.retentionStats.snapshot.passes == r + 1 && clock.sleeperCount == 3
                }, "pass \(r + 1): \(gateway.gateway.retentionStats.snapshot.passes) passes, \(gateway.gateway.retentionStats.snapshot.failures) failed, \(clock.sleeperCount) asleep, \(clock.wakeUps) wake-ups")
                pages.append(try store.fileStats().pageCount)
            }

            // Nothing is pruned in the first hour: those rounds show what a round adds.
            let perRound = Double(pages[5] - pages[0]) / 5
            #expect(perRound * Double(try store.fileStats().pageSize) > 10_000, "a round adds kilobytes")
            // The longest window: an incident lives a round, then 3h (18 rounds) after its close;
            // with a round of slack no more than 20 rounds of anything are kept, where the 40
            // rounds would hold twice that without retention.
            let bound = Double(pages[0]) + perRound * 20
            for (index, count) in pages.enumerated() {
                #expect(Double(count) <= bound, "after round \(index): \(count) pages, bound \(Int(bound)); \(pages)")
            }
            // The bulk, raw payloads, is kept for 6 rounds: the file holds far less than 20 rounds.
            #expect(Double(pages.last! - pages[0]) < perRound * Double(rounds) / 2, "\(pages)")
            // Once every window is full (round 21 on), a pass prunes about what a round adds: what
            // still grows is what retention keeps by design, the open incident's resends and the
            // audit log's closes, a few hundred bytes a round.
            let tail = pages.suffix(15)
            let growth = Double(tail.last! - tail.first!) / Double(tail.count - 1)
            #expect(growth < perRound / 4, "\(growth) pages a round at the end, \(perRound) at the start; \(pages)")
            let stats = gateway.gateway.retentionStats.snapshot
            #expect(stats.failures == 0)
            #expect(stats.total.payloads > 0 && stats.total.incidents > 0 && stats.total.changes > 0 && stats.total.releasedBytes > 0)
            #expect(try store.integrityCheck() == "ok")

            // Kept payloads restore byte for byte, pruned ones answer 410. The steady alerts' first
            // body is the base of their latest resends: kept, while the resends between went.
            let last = try #require(lastRound)
            #expect(try await client.get("/api/v1/signals/\(last.id)/raw").text == last.body)
            let steady = try await Self.signalIDs(of: "steady", client)
            var steadyRaw: [Int: String] = [:]
            for id in steady {
                let raw = try await client.get("/api/v1/signals/\(id)/raw")
                #expect(raw.status == 200 || raw.status == 410)
                if raw.status == 200 { steadyRaw[id] = raw.text }
            }
            let kept = Set(steadyRaw.values)
            #expect(kept.isSuperset(of: steadyBodies.suffix(6)), "the last hour's resends")
            // Older than that, only the base the oldest of them is compressed against: an old base
            // is not used again, so there is at most one.
            #expect(kept.subtracting(steadyBodies.suffix(6)).count <= 1)
            #expect(steadyRaw.count < steady.count)
            #expect(steady.count == 3 * rounds, "signals of the open incident are all kept")
        }
    }

    /// Signal ids of the newest signals of the incident of `service`, newest first.
    static func signalIDs(of service: String, _ client: TestHTTPClient) async throws -> [Int] {
        let list = try await client.get("/api/v1/incidents?service=\(service)")
        let incident = try #require((list.json["incidents"] as? [[String: Any]])?.first?["id"] as? Int)
        let signals = try await client.get("/api/v1/incidents/\(incident)/signals?limit=1000")
        return (signals.json["signals"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }
}
