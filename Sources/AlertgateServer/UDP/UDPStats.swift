import Prometheus
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
        /// The same counts in the registry, for `/metrics`.
        let receivedCounter: Counter
        let storedCounter: Counter
        let droppedCounters: [DropCause: Counter]

        init(name: String, registry: PrometheusCollectorRegistry) {
            receivedCounter = registry.counter("alertgate_udp_datagrams_total", labels: [("listener", name)],
                                               help: "Datagrams read from each UDP listener.")
            storedCounter = registry.counter("alertgate_udp_stored_total", labels: [("listener", name)],
                                             help: "Datagrams stored as signals, per listener.")
            droppedCounters = Dictionary(uniqueKeysWithValues: DropCause.allCases.map { cause in
                (cause, registry.counter("alertgate_udp_dropped_total", labels: [("listener", name), ("cause", cause.rawValue)],
                                         help: "Datagrams not stored, per listener and cause."))
            })
        }
    }

    private let listeners = Mutex([String: Listener]())
    /// Where the counts are exposed (`/metrics`), beside the snapshot `/api/v1/stats` reads.
    private let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A listener that is bound and reading: it shows (with zero counts) from now on.
    func listening(_ listener: String) {
        update(listener) { _ in }
    }

    func received(_ listener: String, count: Int64 = 1) {
        update(listener) {
            $0.received += count
            $0.receivedCounter.increment(by: count)
        }
    }

    func stored(_ listener: String, count: Int64) {
        update(listener) {
            $0.stored += count
            $0.storedCounter.increment(by: count)
        }
    }

    func dropped(_ listener: String, _ cause: DropCause, count: Int64 = 1) {
        guard count > 0 else { return }
        update(listener) {
            $0.dropped[cause, default: 0] += count
            $0.droppedCounters[cause]?.increment(by: count)
        }
    }

    private func update(_ name: String, _ change: (inout Listener) -> Void) {
        listeners.withLock { listeners in
            if listeners[name] == nil { listeners[name] = Listener(name: name, registry: registry) }
            change(&listeners[name]!)
        }
    }

    /// Per listener: received, stored and drops by cause.
    public func snapshot() -> [String: (received: Int64, stored: Int64, dropped: [String: Int64])] {
        listeners.withLock { listeners in
            listeners.mapValues { ($0.received, $0.stored, Dictionary(uniqueKeysWithValues: $0.dropped.map { ($0.key.rawValue, $0.value) })) }
        }
    }
}
