import AlertgateServer
import Prometheus
import Testing

/// The OTLP span counters and their Prometheus lines.
@Suite struct OTLPSpanCountersTests {
    @Test func countsPerServiceAndRejectedInPrometheusText() {
        let registry = PrometheusCollectorRegistry()
        let counters = SpanCounters(registry: registry)
        counters.record(spansByService: ["checkout": 5, "inventory": 1], rejected: 0)
        counters.record(spansByService: ["checkout": 2, "we\"ird\\name\n": 1], rejected: 3)
        let lines = registry.emitToString().split(separator: "\n").map(String.init)
        #expect(lines.contains(#"alertgate_otlp_spans_total{service="checkout"} 7"#))
        #expect(lines.contains(#"alertgate_otlp_spans_total{service="inventory"} 1"#))
        #expect(lines.contains(#"alertgate_otlp_spans_total{service="we\"ird\\name\n"} 1"#))
        #expect(lines.contains("alertgate_otlp_rejected_spans_total 3"))
        #expect(lines.contains("# TYPE alertgate_otlp_spans_total counter"))
    }

    @Test func distinctServicesAreCapped() {
        let registry = PrometheusCollectorRegistry()
        let counters = SpanCounters(registry: registry)
        for index in 0..<(SpanCounters.maxServices + 50) {
            counters.record(spansByService: ["service-\(index)": 1], rejected: 0)
        }
        let series = registry.emitToString().split(separator: "\n").filter { $0.hasPrefix("alertgate_otlp_spans_total{") }
        #expect(series.count == SpanCounters.maxServices + 1)
        #expect(series.contains(#"alertgate_otlp_spans_total{service="_other"} 50"#))
    }
}
