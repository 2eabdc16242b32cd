"""A real Prometheus (and a real Alertmanager) pushing alerts to alertgate.

(a) Prometheus treats alertgate as its Alertmanager (POST /api/v2/alerts): an incident opens for
    the firing rule's service, resends stay one alert whose count grows, and the rule that
    stops firing reaches "resolved".
(b) Prometheus also feeds a real Alertmanager whose webhook receiver posts to alertgate
    (/api/v1/ingest/alertmanager): the webhook's alerts land, and since the webhook carries
    Alertmanager's fingerprint they fold into the same alert as the direct signals.
"""

import re

from support import (FIRING_LABELS, FIRING_RULE, RESOLVING_RULE, RESOLVING_SERVICE, alertmanager_fingerprint,
                     eventually, request)

HEX16 = re.compile(r"^[0-9a-f]{16}$")


def diagnostics(alertgate, *daemons):
    def collect():
        parts = [f"--- incidents ---\n{alertgate.get('/api/v1/incidents')}",
                 f"--- alertgate stderr ---\n{alertgate.stderr_tail()}"]
        parts += [f"--- {d.name} log ---\n{d.log_tail()}" for d in daemons]
        return "\n".join(parts)
    return collect


def incident_with_alert(alertgate, service, alertname):
    """(incident detail, alert) for the alert named alertname in an incident of service, or None."""
    for summary in alertgate.incidents(service=service):
        detail = alertgate.incident(summary["id"])
        for alert in detail["alerts"]:
            if alert["labels"].get("alertname") == alertname:
                return detail, alert
    return None


def named(alerts, alertname):
    return [a for a in alerts if a["labels"].get("alertname") == alertname]


def test_prometheus_as_alertmanager_client(alertgate, start_prometheus):
    prometheus = start_prometheus([f"{alertgate.host}:{alertgate.port}"])
    why = diagnostics(alertgate, prometheus)

    # An incident opens for the firing rule's service.
    incident, alert = eventually(lambda: incident_with_alert(alertgate, "checkout", FIRING_RULE), 30,
                                 "an incident for service checkout holding the firing alert", diagnostics=why)
    assert incident["service"] == "checkout"
    assert incident["status"] == "open"
    assert incident["detected_by"] == "monitoring"
    assert incident["severity"] == "SEV1"  # severity: critical
    assert alert["status"] == "firing"
    assert alert["kind"] == "alert"
    assert HEX16.match(alert["fingerprint"]), alert
    assert alert["fingerprint"] == alertmanager_fingerprint(FIRING_LABELS)
    first_count = alert["count"]

    # Prometheus resends the firing alert every ~2 s: still ONE alert, its count growing.
    def grown():
        detail = alertgate.incident(incident["id"])
        same = named(detail["alerts"], FIRING_RULE)
        assert len(same) == 1, f"resends must stay one alert, got {same}"
        assert same[0]["id"] == alert["id"]
        return same[0] if same[0]["count"] >= first_count + 2 else None

    again = eventually(grown, 15, "the firing alert's count to grow by resends", diagnostics=why)
    assert again["fingerprint"] == alert["fingerprint"]
    assert again["first_seen"] == alert["first_seen"]
    assert again["last_seen"] >= alert["last_seen"]

    # The rule that stops firing (15 s after Prometheus started) reaches "resolved".
    def resolved():
        found = incident_with_alert(alertgate, RESOLVING_SERVICE, RESOLVING_RULE)
        return found if found and found[1]["status"] == "resolved" else None

    _, gone = eventually(resolved, 40, f"{RESOLVING_RULE} to be resolved", diagnostics=why)
    assert gone["resolved_at"] is not None
    still = alertgate.incident(incident["id"])
    assert named(still["alerts"], FIRING_RULE)[0]["status"] == "firing"


def test_alertmanager_webhook_folds_into_the_same_alert(alertgate, start_alertmanager, start_prometheus):
    alertmanager = start_alertmanager(f"{alertgate.url}/api/v1/ingest/alertmanager")
    prometheus = start_prometheus([f"{alertgate.host}:{alertgate.port}", f"127.0.0.1:{alertmanager.port}"])
    why = diagnostics(alertgate, prometheus, alertmanager)

    incident, _ = eventually(lambda: incident_with_alert(alertgate, "checkout", FIRING_RULE), 30,
                             "an incident for service checkout holding the firing alert", diagnostics=why)

    # Both ways in have delivered: Prometheus directly and Alertmanager's webhook.
    def both_sources():
        signals = alertgate.signals(incident["id"])
        sources = {s["source"] for s in signals}
        return signals if {"alertmanager_api", "alertmanager_webhook"} <= sources else None

    signals = eventually(both_sources, 30, "signals from both alertmanager_api and alertmanager_webhook",
                         diagnostics=why)
    webhook = [s for s in signals if s["source"] == "alertmanager_webhook"]
    direct = [s for s in signals if s["source"] == "alertmanager_api"]

    # Alertmanager's own fingerprint of the alert, from its API.
    listed = request("GET", f"http://127.0.0.1:{alertmanager.port}/api/v2/alerts")
    assert listed.status == 200, listed
    am_fingerprints = {a["labels"]["alertname"]: a["fingerprint"] for a in listed.json()}
    am_fingerprint = am_fingerprints[FIRING_RULE]
    assert HEX16.match(am_fingerprint)

    # One alert: the webhook's signals fold into the alert of the direct signals.
    detail = alertgate.incident(incident["id"])
    alerts = named(detail["alerts"], FIRING_RULE)
    assert len(alerts) == 1, f"the webhook and the direct signals must be one alert: {alerts}"
    alert = alerts[0]
    assert alert["fingerprint"] == am_fingerprint
    assert {s["fingerprint"] for s in webhook} == {am_fingerprint}, webhook
    assert {s["fingerprint"] for s in direct} == {am_fingerprint}, direct
    assert {s["alert_id"] for s in webhook} == {alert["id"]}, webhook
    assert {s["alert_id"] for s in direct} == {alert["id"]}
    assert alert["count"] >= len(webhook) + len(direct)
