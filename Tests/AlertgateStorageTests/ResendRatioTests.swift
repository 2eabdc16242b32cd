import AlertgateCore
import AlertgateStorage
import Foundation
import Testing

/// The figure of issue 5's resend workload: raw-payload bytes stored ÷ bytes received when
/// Prometheus resends 2000 firing alerts in batches of 64, ten rounds, `endsAt` moving.
/// Prints the ratio with per-body zlib (before) and against the previous payload (after),
/// computed as the benchmark does (`sum(length(data))` ÷ `sum(size)` over `payloads`).
@Suite("Resend workload: stored ÷ received")
struct ResendRatioTests {
    static let rounds = 10

    /// Stores every round's batches, compressed by `compress`, and returns the ratio.
    func ratio(_ workload: PrometheusResend, _ compress: ([UInt8], _ key: String) -> StoredPayload) async throws -> Double {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try SQLiteStore(path: database.path)
        var feed = Feed()
        for round in 0..<Self.rounds {
            var entries: [StoreBatch.Entry] = []
            for (index, body) in workload.batches(round: round).enumerated() {
                // The gateway's key is the fingerprint of the batch's first alert.
                let payload = compress(body, "first-alert-\(index)")
                entries.append(.ingest(feed.record(alert("svc", "A\(index)"), payload: payload)))
            }
            try await store.commit(StoreBatch(entries: entries))
        }
        // StoreCounts are `sum(length(data))` and `sum(size)` over `payloads`.
        let counts = try await store.counts()
        return Double(counts.payloadBytes) / Double(counts.originalBytes)
    }

    @Test(arguments: [PrometheusResend(alerts: 2000, batchSize: 64), PrometheusResend(alerts: 2000, batchSize: 64, padding: 20),
                      PrometheusResend(alerts: 500, batchSize: 1)])
    func resendsStoreAQuarterOrLessOfWhatArrived(workload: PrometheusResend) async throws {
        let before = try await ratio(workload) { body, _ in
            StoredPayload.compressing(body, source: .alertmanagerAPI, contentType: "application/json", receivedAt: at(0))
        }
        let compressor = PayloadCompressor()
        let after = try await ratio(workload) { body, key in
            compressor.compress(body, key: key, source: .alertmanagerAPI, contentType: "application/json", receivedAt: at(0))
        }
        let batch = workload.body(Array(0..<workload.batchSize), round: 0).count
        print(String(format: "resend ratio, %d alerts in batches of %d (%d B per batch), %d rounds: per-body zlib %.3f, against the previous payload %.3f",
                     workload.alerts, workload.batchSize, batch, Self.rounds, before, after))
        #expect(after <= 0.25)
        #expect(after < before)
    }
}
