import Synchronization

/// Counters of the UDP listeners with fixed names: datagrams received, signals stored and
/// drops by cause, per listener. Exposed at `/metrics` and `/api/v1/stats`.
public final class UDPStats: Sendable {
    /// Why a datagram did not become a stored signal.
    public enum DropCause: String, CaseIterable, Sendable {
        /// The queue to the pipeline was full.
        case queueFull = "queue_full"
        /// The datagram did not decode (garbage, truncated, wrong format).
        case invalid
        /// A log message less severe than `logs.max_level`: counted, not stored.
        case level
        /// The pipeline refused the batch (overloaded or shutting down) or its commit failed.
        case pipeline
        /// A chunked GELF message did not complete within 5 s, or was evicted to bound memory.
        case incompleteChunks = "incomplete_chunks"
        /// A GELF chunk that could not be used (bad header, duplicate, out of range).
        case badChunk = "bad_chunk"
    }

    private struct Listener {
        var received: Int64 = 0
        var stored: Int64 = 0
        var dropped: [DropCause: Int64] = [:]
    }

    private let listeners = Mutex([String: Listener]())

    public init() {}

    /// A listener that is bound and reading: it shows (with zero counts) from now on.
    func listening(_ listener: String) {
        listeners.withLock { if $0[listener] == nil { $0[listener] = Listener() } }
    }

    func received(_ listener: String, count: Int64 = 1) {
        listeners.withLock { $0[listener, default: Listener()].received += count }
    }

    func stored(_ listener: String, count: Int64) {
        listeners.withLock { $0[listener, default: Listener()].stored += count }
    }

    func dropped(_ listener: String, _ cause: DropCause, count: Int64 = 1) {
        guard count > 0 else { return }
        listeners.withLock { $0[listener, default: Listener()].dropped[cause, default: 0] += count }
    }

    /// Per listener: received, stored and drops by cause.
    public func snapshot() -> [String: (received: Int64, stored: Int64, dropped: [String: Int64])] {
        listeners.withLock { listeners in
            listeners.mapValues { ($0.received, $0.stored, Dictionary(uniqueKeysWithValues: $0.dropped.map { ($0.key.rawValue, $0.value) })) }
        }
    }

    func exposition() -> String {
        let snapshot = snapshot()
        var lines = [
            "# HELP alertgate_udp_datagrams_total Datagrams read from each UDP listener.",
            "# TYPE alertgate_udp_datagrams_total counter",
        ]
        for (name, counts) in snapshot.sorted(by: { $0.key < $1.key }) {
            lines.append("alertgate_udp_datagrams_total{listener=\"\(name)\"} \(counts.received)")
        }
        lines += ["# HELP alertgate_udp_stored_total Datagrams stored as signals, per listener.", "# TYPE alertgate_udp_stored_total counter"]
        for (name, counts) in snapshot.sorted(by: { $0.key < $1.key }) {
            lines.append("alertgate_udp_stored_total{listener=\"\(name)\"} \(counts.stored)")
        }
        lines += ["# HELP alertgate_udp_dropped_total Datagrams not stored, per listener and cause.", "# TYPE alertgate_udp_dropped_total counter"]
        for (name, counts) in snapshot.sorted(by: { $0.key < $1.key }) {
            for cause in DropCause.allCases {
                lines.append("alertgate_udp_dropped_total{listener=\"\(name)\",cause=\"\(cause.rawValue)\"} \(counts.dropped[cause.rawValue] ?? 0)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
