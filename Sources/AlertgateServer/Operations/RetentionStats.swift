import AlertgateCore
import Prometheus
import Synchronization

/// What the retention service did since start: the passes, the rows each table lost, the bytes
/// the file gave back. Exposed at `/metrics` through the gateway's registry; tests wait on `passes`.
public final class RetentionStats: Sendable {
    public struct Snapshot: Hashable, Sendable {
        /// Passes that ran to the end.
        public var passes = 0
        public var failures = 0
        /// All passes together.
        public var total = RetentionCounts()
        public var last: RetentionCounts?
        public var lastSuccessAt: Timestamp?
    }

    private let state = Mutex(Snapshot())
    private let registry: PrometheusCollectorRegistry
    private let successes: Counter
    private let failures: Counter
    private let releasedBytes: Counter
    private let lastSuccess: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        successes = registry.counter("alertgate_retention_passes_total", labels: [("result", "success")], help: "Retention passes, by result.")
        failures = registry.counter("alertgate_retention_passes_total", labels: [("result", "failure")], help: "Retention passes, by result.")
        releasedBytes = registry.counter("alertgate_retention_released_bytes_total",
                                         help: "Bytes the database file gave back to the file system.")
        lastSuccess = registry.gauge("alertgate_retention_last_success_timestamp_seconds",
                                     help: "When the last retention pass that ran to the end started (0: none yet).")
    }

    func passed(_ counts: RetentionCounts, at time: Timestamp) {
        state.withLock { state in
            state.passes += 1
            state.total = state.total + counts
            state.last = counts
            state.lastSuccessAt = time
        }
        successes.increment()
        for (table, count) in counts.byTable where count > 0 {
            registry.counter("alertgate_retention_deleted_rows_total", labels: [("table", table)],
                             help: "Rows deleted by retention, by table.").increment(by: Int64(count))
        }
        releasedBytes.increment(by: Int64(counts.releasedBytes))
        lastSuccess.set(Int64(time.milliseconds / 1000))
    }

    func failed() {
        state.withLock { $0.failures += 1 }
        failures.increment()
    }

    public var snapshot: Snapshot { state.withLock { $0 } }
}
