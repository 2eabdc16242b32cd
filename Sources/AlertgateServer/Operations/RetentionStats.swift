import AlertgateCore
import Synchronization

/// What the retention service did since start: the passes, the rows each table lost, the bytes
/// the file gave back. Exposed at `/metrics`; tests wait on `passes`.
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

    public init() {}

    func passed(_ counts: RetentionCounts, at time: Timestamp) {
        state.withLock { state in
            state.passes += 1
            state.total = state.total + counts
            state.last = counts
            state.lastSuccessAt = time
        }
    }

    func failed() {
        state.withLock { $0.failures += 1 }
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// The Prometheus text exposition of the counters.
    func exposition() -> String {
        let s = snapshot
        var lines: [String] = []
        lines.append("# HELP alertgate_retention_passes_total Retention passes, by result.")
        lines.append("# TYPE alertgate_retention_passes_total counter")
        lines.append("alertgate_retention_passes_total{result=\"success\"} \(s.passes)")
        lines.append("alertgate_retention_passes_total{result=\"failure\"} \(s.failures)")
        lines.append("# HELP alertgate_retention_deleted_rows_total Rows deleted by retention, by table.")
        lines.append("# TYPE alertgate_retention_deleted_rows_total counter")
        for (table, count) in s.total.byTable {
            lines.append("alertgate_retention_deleted_rows_total{table=\"\(table)\"} \(count)")
        }
        lines.append("# HELP alertgate_retention_released_bytes_total Bytes the database file gave back to the file system.")
        lines.append("# TYPE alertgate_retention_released_bytes_total counter")
        lines.append("alertgate_retention_released_bytes_total \(s.total.releasedBytes)")
        lines.append("# HELP alertgate_retention_last_success_timestamp_seconds When the last retention pass that ran to the end started (0: none yet).")
        lines.append("# TYPE alertgate_retention_last_success_timestamp_seconds gauge")
        lines.append("alertgate_retention_last_success_timestamp_seconds \(s.lastSuccessAt.map { $0.milliseconds / 1000 } ?? 0)")
        return lines.joined(separator: "\n") + "\n"
    }
}
