import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// Prometheus resends every firing alert each interval; the gateway stores a resend compressed
/// against the previous body of its batch, and `/raw` must still give every body back byte
/// for byte: across rounds, bodies over zlib's 32 KiB window, and a restart.
@Suite struct RawPayloadResendTests {
    /// One batch in Prometheus's shape; `padding` makes the alerts larger.
    static func batch(_ alerts: Range<Int>, round: Int, padding: Int = 0) -> String {
        let items = alerts.map { index in
            let pad = (0..<padding).map { "step \($0) for pod-\(index * 7919 % 10007); " }.joined()
            return """
                {"labels":{"alertname":"DiskFull","service":"storage-\(index % 3)","instance":"node-\(index):9100","severity":"warning"},\
                "annotations":{"summary":"Disk of node-\(index) is \(60 + index % 40)% full","description":"\(pad)"},\
                "startsAt":"2026-11-29T04:00:00.000Z","endsAt":"2026-11-29T05:\(String(format: "%02d", round)):00.000Z",\
                "generatorURL":"http://prometheus:9090/graph?g0.expr=node_filesystem_avail_bytes%7Binstance%3D%22node-\(index)%22%7D"}
                """
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// Posts `body` and returns the ids of the signals it stored.
    static func post(_ body: String, to gateway: RunningGateway) async throws -> ClosedRange<Int64> {
        let before = try await gateway.gateway.store.counts().signals
        let reply = try await gateway.client.post("/api/v2/alerts", body)
        #expect(reply.status == 200)
        let after = try await gateway.gateway.store.counts().signals
        return (before + 1)...after
    }

    static func expectRaw(_ sent: [(ids: ClosedRange<Int64>, body: String)], from gateway: RunningGateway) async throws {
        for (ids, body) in sent {
            for id in [ids.lowerBound, ids.upperBound] {
                let raw = try await gateway.client.get("/api/v1/signals/\(id)/raw")
                #expect(raw.status == 200)
                #expect(raw.body == Data(body.utf8), "signal \(id)")
            }
        }
    }

    @Test func resendsRestoreByteForByteAndStoreLittle() async throws {
        try await withRunningGateway { gateway in
            var sent: [(ids: ClosedRange<Int64>, body: String)] = []
            for round in 0..<4 {
                for (alerts, padding) in [(0..<64, 0), (64..<128, 12), (128..<129, 0)] {
                    let body = Self.batch(alerts, round: round, padding: padding)
                    sent.append((try await Self.post(body, to: gateway), body))
                }
            }
            #expect(sent.contains { $0.body.utf8.count > 32 * 1024 }, "a body past zlib's window")
            try await Self.expectRaw(sent, from: gateway)
            let counts = try await gateway.gateway.store.counts()
            #expect(Double(counts.payloadBytes) / Double(counts.originalBytes) <= 0.25, "\(counts)")
        }
    }

    @Test func afterARestartOldAndNewResendsRestore() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        var sent: [(ids: ClosedRange<Int64>, body: String)] = []
        try await withRunningGateway(databasePath: database) { gateway in
            for round in 0..<2 {
                let body = Self.batch(0..<64, round: round)
                sent.append((try await Self.post(body, to: gateway), body))
            }
        }
        try await withRunningGateway(databasePath: database) { gateway in
            for round in 2..<4 {
                let body = Self.batch(0..<64, round: round)
                sent.append((try await Self.post(body, to: gateway), body))
            }
            try await Self.expectRaw(sent, from: gateway)
        }
    }
}
