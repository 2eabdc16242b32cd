import AlertgateCore
import Synchronization

/// Counters with fixed names, exposed at `/metrics` in Prometheus text format.
public final class GatewayMetrics: Sendable {
    private struct Counters {
        var signalsByDecision: [Decision: Int64] = [:]
        var rejected: [String: Int64] = [:]
        var batches: Int64 = 0
        var payloads: Int64 = 0
        var payloadBytesIn: Int64 = 0
        var payloadBytesStored: Int64 = 0
        var droppedLogs: [String: Int64] = [:]
        var reloads: [String: Int64] = [:]
        var notifications: [String: [String: Int64]] = [:]
        var authFailures: [String: Int64] = [:]
    }

    private let counters = Mutex(Counters())

    public init() {}

    func committed(batch: StoreBatch, signals: Int) {
        counters.withLock { c in
            c.batches += 1
            for entry in batch.entries {
                guard case .ingest(let record) = entry else { continue }
                c.payloads += 1
                c.payloadBytesIn += Int64(record.payload.originalSize)
                c.payloadBytesStored += Int64(record.payload.bytes.count)
                for placed in record.signals {
                    if let decision = placed.outcome.decision { c.signalsByDecision[decision, default: 0] += 1 }
                }
            }
        }
    }

    /// A request or item turned away, by cause (`queue_full`, `too_large`, `invalid`...).
    public func rejected(_ cause: String, count: Int64 = 1) {
        counters.withLock { $0.rejected[cause, default: 0] += count }
    }

    /// Log messages accepted but not stored, by cause (`level`: below `logs.max_level`).
    public func droppedLog(_ cause: String, count: Int64 = 1) {
        counters.withLock { $0.droppedLogs[cause, default: 0] += count }
    }

    /// A config reload, by result (`success`, `failure`).
    public func reloaded(_ result: String) {
        counters.withLock { $0.reloads[result, default: 0] += 1 }
    }

    /// One notification attempt's result, by receiver: `delivered`, `retry`, `failed`, `cancelled`.
    func notified(receiver: String, result: DeliveryResult) {
        let name = switch result {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
        counters.withLock { $0.notifications[receiver, default: [:]][name, default: 0] += 1 }
    }

    /// A request refused for its credentials, by cause: `no_token`, `invalid_token`, `insufficient_scope`.
    func authFailed(_ cause: String) {
        counters.withLock { $0.authFailures[cause, default: 0] += 1 }
    }

    /// Signals committed so far, all decisions together.
    public var signalsCommitted: Int64 {
        counters.withLock { $0.signalsByDecision.values.reduce(0, +) }
    }

    /// The Prometheus text exposition of every counter; `queueDepth` is sampled by the caller.
    public func exposition(queueDepth: Int, pendingNotifications: Int? = nil) -> String {
        counters.withLock { c in
            var lines: [String] = []
            lines.append("# HELP alertgate_signals_total Signals committed, by the pipeline's decision.")
            lines.append("# TYPE alertgate_signals_total counter")
            for decision in Decision.allCases {
                lines.append("alertgate_signals_total{decision=\"\(decision.rawValue)\"} \(c.signalsByDecision[decision] ?? 0)")
            }
            lines.append("# HELP alertgate_rejected_total Requests or items turned away, by cause.")
            lines.append("# TYPE alertgate_rejected_total counter")
            for (cause, count) in c.rejected.sorted(by: { $0.key < $1.key }) {
                lines.append("alertgate_rejected_total{cause=\"\(cause)\"} \(count)")
            }
            lines.append("# HELP alertgate_logs_dropped_total Log messages accepted but not stored, by cause.")
            lines.append("# TYPE alertgate_logs_dropped_total counter")
            for (cause, count) in c.droppedLogs.sorted(by: { $0.key < $1.key }) {
                lines.append("alertgate_logs_dropped_total{cause=\"\(cause)\"} \(count)")
            }
            lines.append("# HELP alertgate_batches_committed_total Transactions committed by the writer.")
            lines.append("# TYPE alertgate_batches_committed_total counter")
            lines.append("alertgate_batches_committed_total \(c.batches)")
            lines.append("# HELP alertgate_payloads_total Request bodies stored.")
            lines.append("# TYPE alertgate_payloads_total counter")
            lines.append("alertgate_payloads_total \(c.payloads)")
            lines.append("# HELP alertgate_payload_bytes_received_total Bytes of stored request bodies as received.")
            lines.append("# TYPE alertgate_payload_bytes_received_total counter")
            lines.append("alertgate_payload_bytes_received_total \(c.payloadBytesIn)")
            lines.append("# HELP alertgate_payload_bytes_stored_total Bytes of stored request bodies after compression.")
            lines.append("# TYPE alertgate_payload_bytes_stored_total counter")
            lines.append("alertgate_payload_bytes_stored_total \(c.payloadBytesStored)")
            lines.append("# HELP alertgate_config_reloads_total Config reloads (SIGHUP or POST /api/v1/admin/reload), by result.")
            lines.append("# TYPE alertgate_config_reloads_total counter")
            for result in ["success", "failure"] {
                lines.append("alertgate_config_reloads_total{result=\"\(result)\"} \(c.reloads[result] ?? 0)")
            }
            lines.append("# HELP alertgate_notification_attempts_total Attempts to deliver a notification, by receiver and result.")
            lines.append("# TYPE alertgate_notification_attempts_total counter")
            for (receiver, results) in c.notifications.sorted(by: { $0.key < $1.key }) {
                for result in ["delivered", "retry", "failed", "cancelled"] {
                    lines.append("alertgate_notification_attempts_total{receiver=\"\(receiver)\",result=\"\(result)\"} \(results[result] ?? 0)")
                }
            }
            if let pendingNotifications {
                lines.append("# HELP alertgate_notifications_pending Notifications in the outbox not delivered yet (waiting or retrying).")
                lines.append("# TYPE alertgate_notifications_pending gauge")
                lines.append("alertgate_notifications_pending \(pendingNotifications)")
            }
            lines.append("# HELP alertgate_auth_failures_total Requests refused for their credentials, by cause.")
            lines.append("# TYPE alertgate_auth_failures_total counter")
            for cause in ["no_token", "invalid_token", "insufficient_scope"] {
                lines.append("alertgate_auth_failures_total{cause=\"\(cause)\"} \(c.authFailures[cause] ?? 0)")
            }
            lines.append("# HELP alertgate_queue_depth Jobs waiting for the writer.")
            lines.append("# TYPE alertgate_queue_depth gauge")
            lines.append("alertgate_queue_depth \(queueDepth)")
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
