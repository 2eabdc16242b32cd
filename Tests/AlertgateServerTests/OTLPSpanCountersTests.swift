import AlertgateServer
import Testing

/// The OTLP span counters and their Prometheus lines.
@Suite struct OTLPSpanCountersTests {
    @Test func countsPerServiceAndRejectedInPrometheusText() {
        let counters = SpanCounters()
        counters.record(spansByService: ["checkout": 5, "inventory": 1], rejected: 0)
        counters.record(spansByService: ["checkout": 2, "we\"ird\\name\n": 1], rejected: 3)
        #expect(counters.spans(service: "checkout") == 7)
        #expect(counters.rejectedSpans == 3)
        let lines = counters.exposition().split(separator: "\n").map(String.init)
        #expect(lines.contains(#"alertgate_otlp_spans_total{service="checkout"} 7"#))
        #expect(lines.contains(#"alertgate_otlp_spans_total{service="inventory"} 1"#))
        #expect(lines.contains(#"alertgate_otlp_spans_total{service="we\"ird\\name\n"} 1"#))
        #expect(lines.contains("alertgate_otlp_rejected_spans_total 3"))
        #expect(lines.contains("# TYPE alertgate_otlp_spans_total counter"))
    }

    @Test func distinctServicesAreCapped() {
        let counters = SpanCounters()
        for index in 0..<(SpanCounters.maxServices + 50) {
            counters.record(spansByService: ["service-\(index)": 1], rejected: 0)
        }
        #expect(counters.spans(service: "_other") == 50)
        #expect(counters.exposition().split(separator: "\n").count == SpanCounters.maxServices + 1 + 5)
    }
}
