"""`alertgate demo`: the made-up week it loads through its own API, as the console, the status
page and the README's screenshots (scripts/screenshots) show it."""

import os
import time

from support import ALERTGATE_BIN, Alertgate, childproc

START_TIMEOUT = 60  # seconds for the demo to tell its story and listen


def test_the_demo_serves_a_week_of_incidents(workdir):
    database = os.path.join(workdir, "demo.sqlite")
    child = childproc.Child("demo", [ALERTGATE_BIN, "demo", "--port", "0", "--database", database],
                            os.path.join(workdir, "demo.stderr"), pipe_stdout=True)
    try:
        line = child.wait_line(r"^alertgate listening on http://(.+):(\d+)$", time.monotonic() + START_TIMEOUT)
        gateway = Alertgate(child, line.group(1), int(line.group(2)))
        incidents = gateway.incidents(status="open,acknowledged,resolved,closed")
        by_service = {}
        for incident in incidents:
            by_service.setdefault(incident["service"], []).append(incident)
        assert sorted(by_service) == ["checkout", "ledger", "search", "web"], incidents
        checkout = by_service["checkout"][0]
        assert (checkout["status"], checkout["severity"], checkout["type"]) == ("acknowledged", "SEV1", "outage")
        detail = gateway.incident(checkout["id"])
        kinds = [line["kind"] for line in detail["timeline"]]
        assert "rollback_candidate" in kinds and "update" in kinds and "note" in kinds, kinds
        assert {signal["kind"] for signal in gateway.signals(checkout["id"])} == {"alert", "trace", "report"}
        # Days apart: the older incidents opened days before the current one.
        assert min(incident["opened_at"] for incident in incidents) < checkout["opened_at"][:10]
        status = gateway.get_json("/status.json")
        assert status["status"]["indicator"] == "critical"
        assert [incident["name"] for incident in status["incidents"]] == ["Checkout: major outage"]
        page = gateway.get("/status")
        assert page.status == 200 and b"Website and login: partial outage" in page.body
        console = gateway.get("/ui")
        assert console.status == 200 and b"CheckoutHighErrorRate" in console.body
    finally:
        assert child.stop(grace=10) == 0, child.log_tail()
