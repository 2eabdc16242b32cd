import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// UDP listeners on a real gateway: datagrams from real sockets become signals; garbage and
/// floods are dropped and counted, and the process stays up.
@Suite struct UDPLiveTests {
    static func send(_ datagrams: [[UInt8]], to port: Int) throws {
        try UDPSender(port: port).send(datagrams)
    }

    static func udpStats(_ gateway: RunningGateway, _ listener: String) async throws -> [String: Any] {
        let stats = try await gateway.client.get("/api/v1/stats")
        return ((stats.json["udp"] as? [String: Any])?[listener] as? [String: Any]) ?? [:]
    }

    /// Waits until every one of `sent` datagrams is stored or dropped; returns how many were stored.
    static func storedOnceSettled(_ gateway: RunningGateway, _ listener: String, sent: Int) async throws -> Int {
        let settled = try await eventually(timeout: .seconds(60)) {
            let stats = try await udpStats(gateway, listener)
            return (stats["stored"] as? Int ?? 0) + ((stats["dropped"] as? [String: Int])?.values.reduce(0, +) ?? 0) == sent
        }
        try #require(settled)
        return try #require(try await udpStats(gateway, listener)["stored"] as? Int)
    }

    static func port(_ gateway: RunningGateway, _ listener: String) async throws -> Int {
        var port: Int?
        _ = try await eventually { port = gateway.gateway.udpPorts.port(listener); return port != nil }
        return try #require(port)
    }

    @Test func jsonDatagramsBecomeSignalsAndGarbageIsCounted() async throws {
        try await withRunningGateway(configure: { $0.udp.jsonPort = 0 }) { gateway in
            let port = try await Self.port(gateway, "json")
            let event = Array(#"{"title": "Backup failed", "service": "backup", "severity": "critical"}"#.utf8)
            try Self.send([event, event, Array("not json".utf8), [0xFF, 0x00, 0x13], Array(#"[{"title": "a"}, {"title": "b"}]"#.utf8)], to: port)

            let stored = try await eventually { (try await Self.udpStats(gateway, "json")["stored"] as? Int) == 2 }
            #expect(stored)
            let stats = try await Self.udpStats(gateway, "json")
            #expect(stats["received"] as? Int == 5)
            #expect((stats["dropped"] as? [String: Int])?["invalid"] == 3)

            let incidents = try await gateway.client.get("/api/v1/incidents?service=backup")
            let incident = try #require((incidents.json["incidents"] as? [[String: Any]])?.first)
            #expect(incident["signal_count"] as? Int == 2)
            #expect(incident["alert_count"] as? Int == 1)
            let signals = try await gateway.client.get("/api/v1/incidents/\(try #require(incident["id"] as? Int))/signals")
            let signalID = try #require((signals.json["signals"] as? [[String: Any]])?.first?["id"] as? Int)
            let raw = try await gateway.client.get("/api/v1/signals/\(signalID)/raw")
            #expect([UInt8](raw.body) == event)
            let detail = try await gateway.client.get("/api/v1/signals/\(signalID)")
            #expect(detail.json["source"] as? String == "json_datagram")
            #expect((detail.json["signal"] as? [String: Any]) != nil)
        }
    }

    /// A burst of one log line (numbers differing) from a real socket: every datagram counted in
    /// its alert, most folded on receipt or in the pipeline rather than stored as signals, every
    /// datagram's bytes kept.
    @Test func aBurstOfOneLogLineFoldsIntoItsAlert() async throws {
        try await withRunningGateway(configure: { $0.udp.syslogPort = 0 }) { gateway in
            let port = try await Self.port(gateway, "syslog")
            let burst = (0..<2000).map { n in
                Array("<11>1 2026-12-01T22:00:00.\(String(format: "%03d", n % 1000))Z web-01 billing \(1000 + n) - - invoice \(n) failed after \(10 + n) ms".utf8)
            }
            try Self.send(burst, to: port)
            let stored = try await Self.storedOnceSettled(gateway, "syslog", sent: 2000)
            #expect(stored > 0)
            let stats = try await gateway.client.get("/api/v1/stats")
            let rows = try #require(stats.json["signals"] as? Int), folded = try #require(stats.json["repeats_folded"] as? Int)
            #expect(rows + folded == stored, "each stored datagram is a signal row or a folded repeat")
            #expect(rows < stored / 10, "\(rows) signal rows for \(stored) datagrams of one line")
            let alert = try await gateway.client.get("/api/v1/alerts/1")
            #expect(alert.json["count"] as? Int == stored)
            // Any datagram's own bytes, by its payload and place in it.
            let run = try #require((alert.json["history"] as? [[String: Any]])?.first { $0["type"] as? String == "repeats" })
            let payload = try #require(run["last_payload_id"] as? Int)
            let raw = try await gateway.client.get("/api/v1/payloads/\(payload)/raw?item=0")
            #expect(raw.status == 200 && raw.text.hasPrefix("<11>1 2026-12-01T22:00:00."))
            let past = try await gateway.client.get("/api/v1/payloads/\(payload)/raw?item=\(stored)")
            #expect(past.status == 400 && past.text.contains("holds datagrams 0 to"), "\(past.text)")
        }
    }

    /// With folding off, every datagram of a burst is placed as a signal of its own: those
    /// folded on receipt too are enriched by the catalog as the first was, so all land on the
    /// catalog's service and none on the name the sender used.
    @Test func repeatsPlacedOnTheirOwnAreEnrichedLikeTheirFirst() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.yaml")
        try """
            correlation:
              fold_repeats: false
            catalog:
              services:
                - {name: billing-api, team: payments, aliases: [billing]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: path, configure: { $0.udp.syslogPort = 0 }) { gateway in
            let port = try await Self.port(gateway, "syslog")
            let burst = (0..<200).map { n in Array("<11>1 2026-12-01T22:00:00.000Z web-01 billing \(1000 + n) - - invoice \(n) failed".utf8) }
            try Self.send(burst, to: port)
            let stored = try await Self.storedOnceSettled(gateway, "syslog", sent: 200)
            let stats = try await gateway.client.get("/api/v1/stats")
            #expect(stats.json["signals"] as? Int == stored, "folding off: a row per datagram")
            #expect(stats.json["repeats_folded"] as? Int == 0)
            let named = try await gateway.client.get("/api/v1/incidents?service=billing")
            #expect((named.json["incidents"] as? [[String: Any]])?.isEmpty == true, "no signal kept the sender's name")
            let incidents = try await gateway.client.get("/api/v1/incidents?service=billing-api")
            let incident = try #require((incidents.json["incidents"] as? [[String: Any]])?.first)
            #expect(incident["signal_count"] as? Int == stored)
            // Each is its own datagram's signal, decoded from its bytes when placed, not a copy of the first.
            let page = try await gateway.client.get("/api/v1/incidents/\(try #require(incident["id"] as? Int))/signals")
            let titles = try #require((page.json["signals"] as? [[String: Any]])?.compactMap { $0["title"] as? String })
            #expect(titles.count > 1 && Set(titles).count == titles.count, "\(titles)")
            let alert = try await gateway.client.get("/api/v1/alerts/1")
            #expect(alert.json["count"] as? Int == stored)
            #expect((alert.json["labels"] as? [String: String])?["team"] == "payments")
        }
    }
}
