import AlertgateCore
import Hummingbird

/// `/healthz`, `/readyz`, `/metrics` and `/api/v1/stats`.
struct OperationsRoutes: Sendable {
    let store: any StoreReader
    let pipeline: IngestPipeline
    let metrics: GatewayMetrics
    let spanCounters: SpanCounters
    let udpStats: UDPStats

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in JSONOutput.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            do {
                _ = try await store.counts()
            } catch {
                throw APIError(.serviceUnavailable, code: "not_ready", message: "the database does not answer: \(error)")
            }
            return JSONOutput.response(["status": "ready"])
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition(queueDepth: pipeline.queueDepth) + spanCounters.exposition() + udpStats.exposition())))
        }
        router.get("/api/v1/stats") { _, _ in
            let counts = try await store.counts()
            return JSONOutput.response(StatsView(counts: counts, committed: metrics.signalsCommitted, queueDepth: pipeline.queueDepth, udp: udpStats.snapshot()))
        }
    }
}

struct StatsView: Encodable {
    let counts: StoreCounts
    let committed: Int64
    let queueDepth: Int
    let udp: [String: (received: Int64, stored: Int64, dropped: [String: Int64])]

    struct ListenerView: Encodable {
        var received: Int64
        var stored: Int64
        var dropped: [String: Int64]
    }

    enum CodingKeys: String, CodingKey {
        case signals, alerts, incidents
        case openIncidents = "open_incidents", payloadBytes = "payload_bytes", originalBytes = "original_bytes"
        case signalsCommittedSinceStart = "signals_committed_since_start", queueDepth = "queue_depth", udp
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(counts.signals, forKey: .signals)
        try c.encode(counts.alerts, forKey: .alerts)
        try c.encode(counts.incidents, forKey: .incidents)
        try c.encode(counts.openIncidents, forKey: .openIncidents)
        try c.encode(counts.payloadBytes, forKey: .payloadBytes)
        try c.encode(counts.originalBytes, forKey: .originalBytes)
        try c.encode(committed, forKey: .signalsCommittedSinceStart)
        try c.encode(queueDepth, forKey: .queueDepth)
        try c.encode(udp.mapValues { ListenerView(received: $0.received, stored: $0.stored, dropped: $0.dropped) }, forKey: .udp)
    }
}
