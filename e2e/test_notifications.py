"""(f) Notifications: alertgate's outbox delivering incidents to real consumers.

(a) An `alertmanager` receiver pointed at a real Alertmanager 0.25: opening an incident posts
    one AlertgateIncident alert (incident, incident_severity, incident_type, team, service)
    and one alert per member alert (its labels, names made Alertmanager-safe, with incident);
    Alertmanager lists them active and its own route notifies its webhook. Resolving the
    incident in alertgate ends them: Alertmanager no longer lists them and its webhook gets the
    resolved notification. alertgate's outbox shows both deliveries delivered.
(b) A `pagerduty` receiver pointed at a second alertgate's PagerDuty Events API v2
    (`POST /v2/enqueue`): the route's trigger and the escalation policy's page open one incident
    there, keyed by dedup_key alertgate-incident-1; acknowledging and resolving the incident in
    the first alertgate acknowledges and resolves it in the second, by the same key.
"""

import json

from support import eventually, request

NOTIFY = "notify: {timeout: 2s, retry_initial: 200ms, retry_max: 2s, max_age: 1h, concurrency: 16, poll_interval: 200ms}"
CATALOG = "catalog:\n  services: [{name: checkout, team: payments, tier: 1, oncall: pay}]"
EVENT = {"title": "PaymentsDown", "service": "checkout", "severity": "critical",
         "labels": {"region": "eu-west-1", "k8s.pod": "checkout-7"}}
STEP_TIMEOUT = 20  # seconds for one delivery to show where it goes (the sender polls every 200 ms)


def am_safe(name):
    """A label name as alertgate hands it to Alertmanager: characters outside [a-zA-Z0-9_] become _."""
    safe = "".join(c if c == "_" or c.isascii() and (c.isalpha() or c.isdigit() and i > 0) else "_" for i, c in enumerate(name))
    return safe or "_"


def outbox_text(gateway, incident_id=1):
    try:
        rows = gateway.notifications(incident_id)
    except AssertionError as error:
        return f"(no outbox: {error})"

    def ahead(n):
        # The sender takes a pair's (incident, receiver) rows in order: a pending row waits for earlier pending ones.
        earlier = [p["id"] for p in rows if p["status"] == "pending" and p["receiver"] == n["receiver"] and p["id"] < n["id"]]
        return f" (behind pending #{', #'.join(map(str, earlier))})" if n["status"] == "pending" and earlier else ""
    return "\n".join(f"  #{n['id']} {n['receiver']} {n['route']!r} {n['transition']} repeat={n['repeat']} {n['status']} "
                     f"attempts={n['attempts']} next={n['next_attempt_at']} error={n['last_error']!r}{ahead(n)}"
                     for n in rows) or "  (empty)"


def first_sends(gateway, incident_id=1):
    """The outbox rows of an incident that are not repeats, oldest first."""
    return [n for n in gateway.notifications(incident_id) if not n["repeat"]]


def delivered(gateway, receiver, transition, incident_id=1):
    """The first-send row of `transition` to `receiver` once delivered; None while pending; fails at once
    when it failed or was cancelled (with the receiver's answer, as alertgate recorded it)."""
    for n in first_sends(gateway, incident_id):
        if n["receiver"] == receiver and n["transition"] == transition:
            assert n["status"] not in ("failed", "cancelled"), f"the {transition} message to {receiver} was {n['status']}: {n['last_error']}"
            return n if n["status"] == "delivered" else None
    return None


class StopWaiting(Exception):
    """A delivery that has failed for good: no use polling on."""


def wait_delivered(gateway, receiver, transition, why):
    def probe():
        try:
            return delivered(gateway, receiver, transition)
        except AssertionError as error:
            raise StopWaiting(str(error)) from None
    try:
        return eventually(probe, STEP_TIMEOUT, f"{gateway.name}'s {transition} message to {receiver} delivered", diagnostics=why)
    except StopWaiting as error:
        raise AssertionError(f"{error}\n{why()}") from None


def check_outbox(gateway, expected):
    """Every first send of incident 1 is `expected` ((receiver, route, transition) in order of id), each
    delivered with its own idempotency key; no repeat went out (the incident was never open for a repeat interval)."""
    rows = gateway.notifications(1)
    sends = [n for n in rows if not n["repeat"]]
    assert [(n["receiver"], n["route"], n["transition"]) for n in sends] == expected, outbox_text(gateway)
    for n in sends:
        assert n["status"] == "delivered", outbox_text(gateway)
        assert n["attempts"] >= 1 and n["delivered_at"] and n["last_error"] is None, n
        assert n["incident_id"] == 1, n
    keys = [n["idempotency_key"] for n in rows]
    assert all(keys) and len(set(keys)) == len(keys), f"idempotency keys not one per row: {keys}"
    for n in rows:
        if n["repeat"]:
            assert n["status"] not in ("delivered", "failed"), f"a repeat went out: {n}"
    return sends


def metric_samples(gateway, name):
    """{labels text: value} of one metric in alertgate's /metrics."""
    text = gateway.get("/metrics").body.decode()
    samples = {}
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            key, _, value = line.rpartition(" ")
            samples[key[len(name):]] = float(value)
    return samples


# --- (a) Alertmanager -----------------------------------------------------------------------------

AM_CONFIG = """{catalog}
receivers:
  - {{name: am, alertmanager: {{url: http://127.0.0.1:{port}}}}}
routes:
  - {{name: to-alertmanager, match: {{team: payments}}, receivers: [am], send: [opened, resolved], group_wait: 0s}}
{notify}
"""


def am_alerts(am, active_only=False):
    result = request("GET", f"http://127.0.0.1:{am.port}/api/v2/alerts" + ("?active=true" if active_only else ""))
    assert result.status == 200, f"Alertmanager GET /api/v2/alerts: {result}"
    return result.json()


def am_webhook_alerts(receiver, alertname, status):
    """The alerts named alertname with `status` in the notifications Alertmanager's own route sent."""
    found = []
    for r in receiver.received("/alertmanager"):
        for alert in json.loads(r["body"]).get("alerts", []):
            if alert["labels"].get("alertname") == alertname and alert["status"] == status:
                found.append(alert)
    return found


def test_incidents_forwarded_to_real_alertmanager(start_alertgate, start_alertmanager, receiver):
    am = start_alertmanager(receiver.url + "/alertmanager")
    gateway = start_alertgate(AM_CONFIG.format(catalog=CATALOG, port=am.port, notify=NOTIFY), name="alertgate")

    def why():
        return (f"--- alertgate outbox ---\n{outbox_text(gateway)}\n"
                f"--- Alertmanager /api/v2/alerts ---\n{request('GET', f'http://127.0.0.1:{am.port}/api/v2/alerts')}\n"
                f"--- alertgate stderr ---\n{gateway.stderr_tail()}\n--- alertmanager log ---\n{am.log_tail()}")

    opened = gateway.post_json("/api/v1/events", EVENT, status=202)
    assert [(r["decision"], r["incident_id"]) for r in opened["results"]] == [("opened", 1)], opened
    incident = gateway.incident(1)
    assert (incident["severity"], incident["owner"], incident["service"]) == ("SEV1", "payments", "checkout"), incident
    [member] = incident["alerts"]

    # Alertmanager lists the incident's alert and its member alert, both with incident="1".
    def listed():
        alerts = [a for a in am_alerts(am) if a["labels"].get("incident") == "1"]
        assert sorted(a["labels"].get("alertname") for a in alerts) == ["AlertgateIncident", "PaymentsDown"], alerts
        assert all(a["status"]["state"] == "active" for a in alerts), alerts
        return {a["labels"]["alertname"]: a for a in alerts}

    alerts = eventually(listed, STEP_TIMEOUT, "the incident's alerts active in Alertmanager", diagnostics=why)
    head = alerts["AlertgateIncident"]
    assert head["labels"] == {"alertname": "AlertgateIncident", "incident": "1", "incident_severity": "SEV1",
                              "incident_type": incident["type"], "team": "payments", "service": "checkout"}, head
    assert head["annotations"]["summary"] == "PaymentsDown", head
    assert head["annotations"]["status"] == "open", head
    assert head["generatorURL"] == f"{gateway.url}/api/v1/incidents/1", head
    body = alerts["PaymentsDown"]
    want = {am_safe(name): value for name, value in member["labels"].items()}
    want.update(alertname="PaymentsDown", service="checkout", incident="1")
    assert body["labels"] == want, (body, member)
    assert body["labels"]["k8s_pod"] == "checkout-7" and body["labels"]["region"] == "eu-west-1", body
    assert body["labels"]["team"] == "payments", body  # the catalog's label on the member alert

    # Alertmanager's own route takes over: its webhook hears of the incident.
    eventually(lambda: am_webhook_alerts(receiver, "AlertgateIncident", "firing"), STEP_TIMEOUT,
               "Alertmanager's webhook notified of AlertgateIncident firing", diagnostics=why)
    wait_delivered(gateway, "am", "incident_opened", why)

    # Resolved in alertgate: Alertmanager lists neither alert as active any more.
    resolved = gateway.post_json("/api/v1/incidents/1/resolve", {"by": "ana", "note": "failed over to the standby"})
    assert resolved["status"] == "resolved", resolved

    def ended():
        still = [a for a in am_alerts(am, active_only=True) if a["labels"].get("incident") == "1"]
        assert not still, f"still active in Alertmanager: {[(a['labels']['alertname'], a['endsAt']) for a in still]}"
        assert not [a for a in am_alerts(am) if a["labels"].get("incident") == "1"], "still listed by Alertmanager"
        return True

    eventually(ended, STEP_TIMEOUT, "the incident's alerts ended in Alertmanager after the incident resolved in alertgate",
               diagnostics=why)
    [notice] = eventually(lambda: am_webhook_alerts(receiver, "AlertgateIncident", "resolved"), STEP_TIMEOUT,
                          "Alertmanager's webhook notified of AlertgateIncident resolved", diagnostics=why)[:1]
    assert notice["labels"]["incident"] == "1", notice
    wait_delivered(gateway, "am", "incident_resolved", why)

    check_outbox(gateway, [("am", "to-alertmanager", "incident_opened"), ("am", "to-alertmanager", "incident_resolved")])
    attempts = metric_samples(gateway, "alertgate_notification_attempts_total")
    assert attempts.get('{receiver="am",result="delivered"}', 0) >= 2, attempts
    assert attempts.get('{receiver="am",result="failed"}', 0) == 0, attempts


# --- (b) PagerDuty Events API v2, into a second alertgate ----------------------------------------

PD_CONFIG = """{catalog}
receivers:
  - {{name: pd, pagerduty: {{url: {url}/v2/enqueue, routing_key: abc}}}}
routes:
  - {{name: page-payments, match: {{team: payments}}, receivers: [pd], send: [opened, acknowledged, resolved], group_wait: 0s}}
escalations:
  - {{name: pay, steps: [{{notify: [pd], after: 0m}}]}}
{notify}
"""
DEDUP_KEY = "alertgate-incident-1"


def test_pagerduty_events_reach_a_second_alertgate(start_alertgate):
    b = start_alertgate(name="alertgate-b")
    a = start_alertgate(PD_CONFIG.format(catalog=CATALOG, url=b.url, notify=NOTIFY), name="alertgate-a")

    def why():
        return (f"--- {a.name} outbox ---\n{outbox_text(a)}\n--- {b.name} incidents ---\n{b.get('/api/v1/incidents')}\n"
                f"--- {a.name} stderr ---\n{a.stderr_tail()}\n--- {b.name} stderr ---\n{b.stderr_tail()}")

    opened = a.post_json("/api/v1/events", EVENT, status=202)
    assert [(r["decision"], r["incident_id"]) for r in opened["results"]] == [("opened", 1)], opened
    incident = a.incident(1)
    assert (incident["severity"], incident["owner"], incident["oncall"]) == ("SEV1", "payments", "pay"), incident

    # Two triggers with one dedup key: the route's `opened` and step 1 of the escalation policy.
    wait_delivered(a, "pd", "incident_opened", why)
    wait_delivered(a, "pd", "escalation_step", why)

    def b_incident(status):
        def probe():
            summaries = b.incidents()
            assert len(summaries) == 1, f"{b.name} has {len(summaries)} incidents: {summaries}"
            detail = b.incident(summaries[0]["id"])
            assert detail["status"] == status, f"{b.name}'s incident is {detail['status']}"
            return detail
        return eventually(probe, STEP_TIMEOUT, f"one {status} incident in {b.name}", diagnostics=why)

    def one_alert(detail):
        assert len(detail["alerts"]) == 1, detail["alerts"]
        return detail["alerts"][0]

    theirs = b_incident("open")
    eventually(lambda: one_alert(b.incident(theirs["id"]))["count"] == 2, STEP_TIMEOUT,
               f"both triggers counted on {b.name}'s alert", diagnostics=why)
    theirs = b.incident(theirs["id"])
    alert = one_alert(theirs)
    assert alert["fingerprint"] == f"pagerduty:{DEDUP_KEY}", alert
    assert alert["title"] == "[SEV1] PaymentsDown", alert
    assert alert["severity"] == "critical", alert
    assert alert["service"] == "checkout", alert  # payload.component: B has no integration for routing key abc
    assert alert["labels"] == {"routing_key": "abc", "source": "checkout", "component": "checkout", "group": "payments",
                               "class": incident["type"]}, alert
    assert (theirs["service"], theirs["title"]) == ("checkout", "[SEV1] PaymentsDown"), theirs

    # Acknowledged in A: acknowledged in B, by its sender.
    acked = a.post_json("/api/v1/incidents/1/acknowledge", {"by": "ana", "note": "on it"})
    assert acked["status"] == "acknowledged", acked
    wait_delivered(a, "pd", "incident_acknowledged", why)
    theirs = b_incident("acknowledged")
    assert theirs["acknowledged_at"], theirs

    # Resolved in A: resolved in B, its one alert with it.
    resolved = a.post_json("/api/v1/incidents/1/resolve", {})
    assert resolved["status"] == "resolved", resolved
    wait_delivered(a, "pd", "incident_resolved", why)
    theirs = b_incident("resolved")
    alert = one_alert(theirs)
    assert alert["status"] == "resolved" and alert["resolved_at"], alert
    assert alert["count"] == 3, alert  # two triggers and the acknowledgement; the resolve ends it
    assert theirs["acknowledged_at"] <= theirs["resolved_at"], theirs

    kinds = [entry["kind"] for entry in theirs["timeline"]]
    for kind in ("opened", "acknowledged", "resolved"):
        assert kinds.count(kind) == 1, kinds
    assert kinds.index("opened") < kinds.index("acknowledged") < kinds.index("resolved"), kinds
    ack_entry = next(e for e in theirs["timeline"] if e["kind"] == "acknowledged")
    assert ack_entry["by"] == "alertgate", ack_entry  # the event's `client`

    # B's signals: four PagerDuty events of the one key, in A's order.
    signals = sorted(b.signals(theirs["id"]), key=lambda s: s["id"])
    assert [(s["source"], s["fingerprint"]) for s in signals] == [("pagerduty", f"pagerduty:{DEDUP_KEY}")] * 4, signals
    assert [(s["status"], s["decision"]) for s in signals] == [
        ("firing", "opened"), ("firing", "repeat"), ("acknowledged", "repeat"), ("resolved", "resolved")], signals

    # A's outbox: four messages, each delivered once with its own idempotency key, which the
    # triggers also carry in their custom_details (B keeps those as the signal's description).
    sends = check_outbox(a, [("pd", "page-payments", "incident_opened"), ("pd", "escalation pay", "escalation_step"),
                             ("pd", "page-payments", "incident_acknowledged"), ("pd", "page-payments", "incident_resolved")])
    keys = {n["transition"]: n["idempotency_key"] for n in sends}
    carried = []
    for s in signals[:2]:
        full = b.get_json(f"/api/v1/signals/{s['id']}")
        carried.append(json.loads(full["signal"]["description"])["idempotency_key"])
    assert sorted(carried) == sorted([keys["incident_opened"], keys["escalation_step"]]), (carried, keys)
    attempts = metric_samples(a, "alertgate_notification_attempts_total")
    assert attempts.get('{receiver="pd",result="delivered"}', 0) == 4, attempts
    assert attempts.get('{receiver="pd",result="failed"}', 0) == 0, attempts
    assert len(b.incidents()) == 1, b.get("/api/v1/incidents")
