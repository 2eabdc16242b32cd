import Foundation

/// Bodies in the shape Prometheus posts to `/api/v2/alerts`: batches of up to 64 alerts, each
/// resent every interval with only `endsAt` moved.
struct PrometheusResend {
    var alerts = 2000
    var batchSize = 64
    /// Makes alerts bigger (longer annotations), to pass zlib's 32 KiB window per batch.
    var padding = 0

    /// The batches of one round, `round` moving `endsAt`.
    func batches(round: Int) -> [[UInt8]] {
        stride(from: 0, to: alerts, by: batchSize).map { first in
            body(Array(first..<min(alerts, first + batchSize)), round: round)
        }
    }

    func body(_ indices: [Int], round: Int) -> [UInt8] {
        let startsAt = "2026-11-29T04:00:00.000Z"
        let endsAt = Self.time(minutes: 4 + round)
        let items = indices.map { index in
            // Per-alert values as real ones look: pod hashes, addresses, measured values.
            let hash = Self.hex(UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let pad = (0..<padding).map { "step \($0): check \(Self.hex(UInt64(index * 131 + $0)).prefix(8)); " }.joined()
            return """
                {"annotations":{"description":"p99 latency of svc-\(index % 40) on pod \(hash.prefix(10)) is \(100 + index * 37 % 900).\(index % 10)ms, \
                above 500ms for 5m. \(pad)","summary":"High latency on svc-\(index % 40)-\(hash.prefix(10))-\(hash.suffix(5))",\
                "runbook_url":"https://runbooks.example.com/latency"},\
                "endsAt":"\(endsAt)","startsAt":"\(startsAt)",\
                "generatorURL":"http://prometheus-0:9090/graph?g0.expr=histogram_quantile%280.99%2C+sum+by%28le%29%28rate%28http_request_duration_seconds_bucket%7Bjob%3D%22svc-\(index % 40)%22%7D%5B5m%5D%29%29%29+%3E+0.5&g0.tab=1",\
                "labels":{"alertname":"HighLatency","instance":"10.\(index * 7 % 256).\(index / 250).\(index % 250):9100","job":"svc-\(index % 40)",\
                "namespace":"prod","pod":"svc-\(index % 40)-\(hash.prefix(10))-\(hash.suffix(5))","prometheus":"monitoring/k8s",\
                "severity":"warning","uid":"\(Self.hex(UInt64(index) &* 0xBF58_476D_1CE4_E5B9))\(hash)"}}
                """
        }
        return Array("[\(items.joined(separator: ","))]".utf8)
    }

    static func hex(_ seed: UInt64) -> String {
        var value = seed ^ (seed >> 31)
        value = value &* 0x94D0_49BB_1331_11EB
        value ^= value >> 29
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    static func time(minutes: Int) -> String {
        String(format: "2026-11-29T%02d:%02d:00.000Z", 4 + minutes / 60, minutes % 60)
    }
}
