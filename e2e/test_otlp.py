"""(c) The OpenTelemetry Python SDK exporting spans to alertgate's /v1/traces over OTLP/HTTP:
protobuf, protobuf with gzip, and JSON. Some spans fail with recorded exceptions: an incident
opens with detected_by "tracing" and lists the failures in `traces`; the same failure again is
a repeat of the same alerts (count 2), not new alerts.
"""

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode

from support import eventually

SERVICE = "payments"


class PaymentGatewayTimeout(Exception):
    pass


class RecordingExporter(SpanExporter):
    """Passes spans to the real OTLP exporter and keeps each export's result."""

    def __init__(self, inner):
        self.inner = inner
        self.results = []

    def export(self, spans):
        result = self.inner.export(spans)
        self.results.append(result)
        return result

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis=30000):
        return True


def otlp_exporter(encoding, endpoint):
    if encoding == "json":
        from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
        return OTLPSpanExporter(endpoint=endpoint, timeout=10)
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    compression = Compression.Gzip if encoding == "protobuf-gzip" else Compression.NoCompression
    return OTLPSpanExporter(endpoint=endpoint, timeout=10, compression=compression)


def pay(tracer, order, fail):
    """One request of the payments service: a server span with a database call and a card charge."""
    try:
        with tracer.start_as_current_span("POST /api/payments", kind=SpanKind.SERVER,
                                          attributes={"http.request.method": "POST", "http.route": "/api/payments"}):
            with tracer.start_as_current_span("SELECT orders", kind=SpanKind.CLIENT,
                                              attributes={"db.system": "postgresql"}) as query:
                query.set_status(Status(StatusCode.OK))
            with tracer.start_as_current_span("charge card", kind=SpanKind.CLIENT,
                                              attributes={"peer.service": "payment-gateway", "order.id": order}):
                if fail:
                    raise PaymentGatewayTimeout(f"payment gateway timed out after 30000 ms for order {order}")
    except PaymentGatewayTimeout:
        pass  # recorded on both spans it passed through, with status ERROR


def trace_alerts(alertgate):
    """{incident id: detail} of the incidents of SERVICE detected by tracing."""
    found = {}
    for summary in alertgate.incidents(service=SERVICE):
        if summary["detected_by"] == "tracing":
            found[summary["id"]] = alertgate.incident(summary["id"])
    return found


@pytest.mark.parametrize("encoding", ["protobuf", "protobuf-gzip", "json"])
def test_sdk_spans_with_exceptions_open_a_tracing_incident(alertgate, encoding):
    exporter = RecordingExporter(otlp_exporter(encoding, f"{alertgate.url}/v1/traces"))
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE, "service.version": "1.4.2",
                                                        "deployment.environment": "production"}))
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=60000))
    tracer = provider.get_tracer("e2e.payments", "1.0.0")
    why = lambda: f"--- exports: {exporter.results}\n--- incidents ---\n{alertgate.get('/api/v1/incidents')}\n" \
                  f"--- alertgate stderr ---\n{alertgate.stderr_tail()}"  # noqa: E731
    try:
        pay(tracer, 84213, fail=False)
        pay(tracer, 84214, fail=True)
        assert provider.force_flush(15000)
        assert exporter.results and all(r == SpanExportResult.SUCCESS for r in exporter.results), why()

        incidents = eventually(lambda: trace_alerts(alertgate), 15, "an incident detected by tracing", diagnostics=why)
        assert len(incidents) == 1, incidents
        (incident_id, incident), = incidents.items()
        assert incident["status"] == "open"
        assert incident["traces"], f"the incident lists no traces: {incident}"
        assert all(t["kind"] == "trace" for t in incident["traces"])
        assert all(t["status"] == "firing" for t in incident["traces"])
        assert {t["count"] for t in incident["traces"]} == {1}
        first = {t["fingerprint"]: t["id"] for t in incident["traces"]}
        alert_count = incident["alert_count"]

        # The same failure again (a new trace, another order): repeats of the same alerts.
        pay(tracer, 84215, fail=True)
        assert provider.force_flush(15000)
        assert all(r == SpanExportResult.SUCCESS for r in exporter.results), why()

        def repeated():
            detail = alertgate.incident(incident_id)
            counts = {t["fingerprint"]: t["count"] for t in detail["traces"]}
            assert set(counts) == set(first), f"a repeat must not make new trace alerts: {detail['traces']}"
            return detail if set(counts.values()) == {2} else None

        detail = eventually(repeated, 15, "every trace alert counted twice", diagnostics=why)
        assert {t["fingerprint"]: t["id"] for t in detail["traces"]} == first
        assert detail["alert_count"] == alert_count
        assert list(trace_alerts(alertgate)) == [incident_id]
    finally:
        provider.shutdown()
