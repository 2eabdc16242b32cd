"""A failed synthetic check and the failing spans of its trace, from the real OpenTelemetry
Python SDK over OTLP/HTTP, meet in one incident whichever arrives first: the check's body
carries the run's W3C `traceparent` (as the SDK's propagator writes it into a request) or its
trace id, and the spans carry that trace.
"""

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

from support import eventually


class CardDeclinedUpstream(Exception):
    pass


def check_failure(check_id, service, **trace):
    """What the shipped Checkly template renders for a failed API check, with the run's trace."""
    return {"alert_type": "ALERT_FAILURE", "alert_title": f"Check {check_id} has failed", "check_id": check_id,
            "check_name": f"{service} API", "check_type": "API", "error_message": "expected 200, got 502",
            "run_location": "eu-west-1", "tags": f"service:{service}", "group_name": "Shop", **trace}


def failing_request(tracer):
    """The checkout service's request that the check's run made: its server span fails."""
    with tracer.start_as_current_span("POST /api/checkout", kind=SpanKind.SERVER) as span:
        carrier = {}
        TraceContextTextMapPropagator().inject(carrier)
        try:
            with tracer.start_as_current_span("charge card", kind=SpanKind.CLIENT):
                raise CardDeclinedUpstream("the card processor answered 502")
        except CardDeclinedUpstream as error:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, "upstream failed"))
        return carrier["traceparent"], format_trace_id(span.get_span_context().trace_id)


def incident_of(alertgate, alert_id):
    for summary in alertgate.incidents():
        detail = alertgate.incident(summary["id"])
        if any(a["id"] == alert_id for a in detail["alerts"]):
            return detail
    return None


def test_a_check_and_its_trace_meet_in_one_incident(alertgate):
    exporter = OTLPSpanExporter(endpoint=f"{alertgate.url}/v1/traces", timeout=10)
    why = lambda: f"--- incidents ---\n{alertgate.get('/api/v1/incidents')}\n--- stderr ---\n{alertgate.stderr_tail()}"  # noqa: E731

    # The check's failure first, with the run's traceparent; the spans of that run after it
    # (held until the check is in, then exported by the SDK's OTLP exporter).
    held = []

    class Holding(SimpleSpanProcessor):
        def on_end(self, span):
            held.append(span)

    payments = TracerProvider(resource=Resource.create({"service.name": "payments"}))
    payments.add_span_processor(Holding(exporter))
    traceparent, _ = failing_request(payments.get_tracer("e2e.payments"))
    answer = alertgate.post_json("/api/v1/ingest/checkly", check_failure("check-a", "checkout", traceparent=traceparent), status=202)
    check_alert = answer["results"][0]["alert_id"]
    assert exporter.export(held).name == "SUCCESS"

    def linked():
        detail = incident_of(alertgate, check_alert)
        return detail if detail and detail["traces"] else None

    detail = eventually(linked, 15, "the spans of the check's trace on the check's incident", diagnostics=why)
    assert detail["detected_by"] == "synthetic_check"
    assert {t["service"] for t in detail["traces"]} == {"payments"}
    assert sorted(detail["services"]) == ["checkout", "payments"]

    # The spans first (exported as each ends), then a check that carries their trace id.
    ledger = TracerProvider(resource=Resource.create({"service.name": "ledger"}))
    ledger.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        _, trace_id = failing_request(ledger.get_tracer("e2e.ledger"))
        traced = eventually(lambda: [i for i in alertgate.incidents() if i["detected_by"] == "tracing"], 15,
                            "an incident opened by the spans", diagnostics=why)
        assert len(traced) == 1
        answer = alertgate.post_json("/api/v1/ingest/checkly", check_failure("check-b", "storefront", trace_id=trace_id.upper()), status=202)
        result = answer["results"][0]
        assert result["incident_id"] == traced[0]["id"], why()
        signal = alertgate.get_json(f"/api/v1/signals/{result['signal_id']}")
        assert trace_id in str(signal["why"]), signal
    finally:
        ledger.shutdown()
