import AlertgateCore
import Testing

@Suite("A check's failure and the failing spans of its trace meet in one incident, whichever comes first")
struct CorrelatorTraceTests {
    static let trace = "4bf92f3577b34da6a3ce929d0e0e4736"

    func check(_ trace: String?) -> Signal {
        Signal(kind: .alert, source: .checkly, status: .firing, service: "checkout", title: "Check Checkout API failed", severity: .critical,
               labels: trace.map { ["check_id": "c1", "trace_id": $0] } ?? ["check_id": "c1"], dedupKey: "checkly:c1")
    }

    func span(_ trace: String, service: String = "payments") -> Signal {
        Signal(kind: .trace, source: .otlp, status: .firing, service: service, title: "charge card: PaymentGatewayTimeout", severity: .error,
               labels: ["span.name": "charge card", "exception.type": "PaymentGatewayTimeout", "trace_id": trace, "span_id": "00f067aa0ba902b7"])
    }

    @Test func theCheckFirst() {
        var correlator = Correlator()
        let failed = ingest(&correlator, check(Self.trace.uppercased()), at: 0)
        let spanned = ingest(&correlator, span(Self.trace), at: 5)
        #expect(failed.decision == .opened)
        #expect(spanned.decision == .attached && spanned.incidentID == failed.incidentID)
        #expect(spanned.why?.rule == Correlator.Rule.trace)
        #expect(spanned.why?.detail.contains(Self.trace) == true)
    }

    @Test func theSpansFirst() {
        var correlator = Correlator()
        let spanned = ingest(&correlator, span(Self.trace), at: 0)
        let failed = ingest(&correlator, check(Self.trace), at: 20)
        #expect(failed.incidentID == spanned.incidentID && failed.why?.rule == Correlator.Rule.trace)
        #expect(correlator.state.incidents[spanned.incidentID!]?.services.sorted() == ["checkout", "payments"])
    }

    @Test func otherTracesAndOldTracesStayApart() {
        var correlator = Correlator()
        let failed = ingest(&correlator, check(Self.trace), at: 0)
        let other = ingest(&correlator, span("0af7651916cd43dd8448eb211c80319c"), at: 5)
        #expect(other.decision == .opened && other.incidentID != failed.incidentID)
        let noTrace = ingest(&correlator, check(nil), at: 6)
        #expect(noTrace.decision == .repeat)
        // Past correlation_window (10 min by default) a trace id joins nothing.
        let late = ingest(&correlator, span(Self.trace, service: "ledger"), at: 3600)
        #expect(late.decision == .opened && late.incidentID != failed.incidentID)
    }

    @Test func traceparentsAndIds() {
        #expect(TraceContext.traceID(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == Self.trace)
        #expect(TraceContext.traceID(traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01") == nil, "all zero")
        #expect(TraceContext.traceID(traceparent: "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == nil, "version ff")
        #expect(TraceContext.traceID(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") == nil, "version 00 has four fields")
        #expect(TraceContext.traceID(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") == Self.trace, "a later version may add fields")
        #expect(TraceContext.traceID("4bf92f3577b34da6a3ce929d0e0e473") == nil && TraceContext.traceID("xbf92f3577b34da6a3ce929d0e0e4736") == nil)
    }
}
