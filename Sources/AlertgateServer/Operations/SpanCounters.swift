import Prometheus
import Synchronization

/// OTLP span counters, for `/metrics`: spans received per service and spans
/// rejected as invalid. Only requests answered 200 count, so a retried export is not counted
/// twice.
///
/// Service names come from senders, so the number of distinct ones is capped: past
/// `maxServices`, further services are counted under `service="_other"`.
public final class SpanCounters: Sendable {
    public static let maxServices = 1000
    static let otherService = "_other"

    private struct Counts {
        var spansByService: [String: Counter] = [:]
    }

    private let counts = Mutex(Counts())
    private let registry: PrometheusCollectorRegistry
    private let rejected: Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        rejected = registry.counter("alertgate_otlp_rejected_spans_total",
                                    help: "OTLP spans rejected as invalid (reported back as partial success).")
    }

    /// Adds the spans of one accepted request.
    public func record(spansByService: [String: Int], rejected count: Int) {
        counts.withLock { counts in
            for (service, spans) in spansByService {
                let key = counts.spansByService[service] != nil || counts.spansByService.count < Self.maxServices ? service : Self.otherService
                if counts.spansByService[key] == nil {
                    counts.spansByService[key] = registry.counter("alertgate_otlp_spans_total", labels: [("service", key)],
                                                                  help: "OTLP spans received in accepted requests, by service.name.")
                }
                counts.spansByService[key]!.increment(by: Int64(spans))
            }
        }
        if count > 0 { rejected.increment(by: Int64(count)) }
    }
}
