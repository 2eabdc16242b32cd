import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// Prometheus's resends (captured from Prometheus 2.42) fold into their alert: no signal row,
/// a count in the alert's history, every body still readable byte for byte.
@Suite struct FoldedRepeatsLiveTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/alertmanager-api")

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent("\(name).json")))
    }

    @Test func aResendFoldsAndItsHistoryAndBodyAreServed() async throws {
        let first = try Self.fixture("firing-first"), resend = try Self.fixture("firing-resend")
        // On the clock of the capture: the bodies' startsAt and endsAt are as Prometheus sent them then.
        let clock = ManualClock(try #require(RFC3339.parse("2026-11-29T05:02:40.891Z")))
        try await withRunningGateway(clock: clock) { gateway in
            let client = gateway.client
            let json = ["Content-Type": "application/json"]
            #expect(try await client.post("/api/v2/alerts", bytes: first, headers: json).status == 200)
            clock.advance(by: .seconds(2))
            for _ in 0..<3 { #expect(try await client.post("/api/v2/alerts", bytes: resend, headers: json).status == 200) }

            let stats = try await client.get("/api/v1/stats")
            #expect(stats.json["signals"] as? Int == 1)
            #expect(stats.json["repeats_folded"] as? Int == 3)
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains("alertgate_repeats_folded_total 3"))

            let alert = try await client.get("/api/v1/alerts/1")
            #expect(alert.status == 200)
            #expect(alert.json["count"] as? Int == 4)
            #expect(alert.json["fingerprint"] as? String != nil)
            let history = try #require(alert.json["history"] as? [[String: Any]])
            #expect(history.map { $0["type"] as? String } == ["repeats", "signal"])
            let run = try #require(history.first)
            #expect(run["count"] as? Int == 3)
            #expect((run["why"] as? [String: Any])?["rule"] as? String == "dedup.repeat_folded")
            #expect(history.last?["id"] as? Int == 1)

            // The bodies of the run's first and last repeats, byte for byte.
            for key in ["first_payload_id", "last_payload_id"] {
                let payload = try #require(run[key] as? Int)
                let raw = try await client.get("/api/v1/payloads/\(payload)/raw")
                #expect(raw.status == 200)
                #expect(Array(raw.body) == resend, "\(key)")
                #expect(raw.header("Content-Type") == "application/json")
            }
            #expect(try await client.get("/api/v1/payloads/99/raw").status == 404)
            let item = try await client.get("/api/v1/payloads/\(try #require(run["first_payload_id"] as? Int))/raw?item=0")
            #expect(item.status == 400 && item.text.contains("one body"), "item picks a datagram, and this body came over HTTP")
            #expect(try await client.get("/api/v1/alerts/99").status == 404)
            #expect(try await client.get("/api/v1/alerts/x").status == 400)
            #expect(try await client.get("/api/v1/alerts/1?limit=0").status == 400)

            // A resend whose annotation changed is a signal again, newest in the history.
            let changed = Array(String(decoding: resend, as: UTF8.self).replacingOccurrences(of: "above 5%", with: "above 10%").utf8)
            #expect(changed != resend)
            clock.advance(by: .seconds(1))
            #expect(try await client.post("/api/v2/alerts", bytes: changed, headers: json).status == 200)
            let after = try #require(try await client.get("/api/v1/alerts/1").json["history"] as? [[String: Any]])
            #expect(after.map { $0["type"] as? String } == ["signal", "repeats", "signal"])
            #expect(after.first?["decision"] as? String == "repeat")
            #expect(try await client.get("/api/v1/alerts/1?limit=1").json["history"].map { ($0 as? [Any])?.count } == 1)
        }
    }

    @Test func foldingCanBeTurnedOff() async throws {
        let first = try Self.fixture("firing-first"), resend = try Self.fixture("firing-resend")
        let clock = ManualClock(try #require(RFC3339.parse("2026-11-29T05:02:42.891Z")))
        try await withRunningGateway(clock: clock, configure: { $0.correlation.foldRepeats = false }) { gateway in
            let json = ["Content-Type": "application/json"]
            for body in [first, resend, resend] { _ = try await gateway.client.post("/api/v2/alerts", bytes: body, headers: json) }
            let stats = try await gateway.client.get("/api/v1/stats")
            #expect(stats.json["signals"] as? Int == 3)
            #expect(stats.json["repeats_folded"] as? Int == 0)
        }
    }
}
