"""(d) graypy's GELFHTTPHandler sending error-level logs to alertgate's /gelf (a zlib body with
`Content-Encoding: gzip,deflate`, no Content-Type): each arrives as a signal of kind "log", its
service taken from graypy's `_service` extra field, else from `facility` (the logger's name).
"""

import logging

import graypy

from support import eventually


def test_graypy_http_handler_logs_arrive_as_log_signals(alertgate):
    handler = graypy.GELFHTTPHandler(alertgate.host, alertgate.port, path="/gelf", localname="checkout-web-1")
    logger = logging.getLogger("e2e.checkout.payments")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    why = lambda: f"--- signal 1: {alertgate.get('/api/v1/signals/1')}\n" \
                  f"--- alertgate stderr ---\n{alertgate.stderr_tail()}"  # noqa: E731
    try:
        # graypy posts and never reads the answer; the signal ids of a fresh database start at 1.
        logger.error("Payment provider timed out after 30000 ms for order 84213")

        def first_signal():
            result = alertgate.get("/api/v1/signals/1")
            return result.json() if result.status == 200 else None

        signal = eventually(first_signal, 15, "a signal from graypy's POST /gelf", diagnostics=why)
        assert signal["kind"] == "log", signal
        assert signal["source"] == "gelf", signal
        assert "Payment provider timed out" in signal["title"], signal
        assert signal["service"] == logger.name, signal  # no `_service`: graypy's `facility`

        logger.error("Payment provider timed out after 30000 ms for order 84214",
                     extra={"service": "checkout", "environment": "production"})

        def second_signal():
            result = alertgate.get("/api/v1/signals/2")
            return result.json() if result.status == 200 else None

        other = eventually(second_signal, 15, "a second signal (with _service) from graypy", diagnostics=why)
        assert other["kind"] == "log", other
        assert other["source"] == "gelf", other
        assert other["service"] == "checkout", other
        assert other.get("signal", {}).get("labels", {}).get("environment") == "production", other

        # The incident it opened is the one (and the only one) listed for the service checkout.
        assert other["incident_id"] is not None, other
        incident = alertgate.incident(other["incident_id"])
        assert incident["service"] == "checkout", incident
        assert [i["id"] for i in alertgate.incidents(service="checkout")] == [other["incident_id"]], \
            alertgate.get("/api/v1/incidents")
    finally:
        logger.removeHandler(handler)
        handler.close()
