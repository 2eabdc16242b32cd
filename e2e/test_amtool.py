"""(e) The real `amtool` (Alertmanager 0.25's command line) talking to alertgate as if it were an
Alertmanager (API v2: silences, alerts, status), and a real Prometheus firing into it.

(a) `amtool silence add` makes a silence; `amtool silence query` (table, -q, matcher filters)
    lists it with its author and comment; /api/v1/silences shows it active. `amtool silence
    expire` ends it: gone from the plain query, listed by --expired, state "expired". Expiring a
    silence that does not exist fails.
(b) Under an amtool silence, Prometheus's always-firing DiskFull alert is stored as signals with
    the decision "silenced" (why: the silence) and opens no incident, while an unsilenced alert
    opens one. `amtool alert query` lists the firing alert (filters, JSON output). Once the silence
    is expired, DiskFull opens an incident; a silence over an alert already firing shows it as
    suppressed and lets it go on repeating.
"""

import datetime
import json
import os
import re
import subprocess

import pytest

from support import alertmanager_fingerprint, eventually, find_binary

AMTOOL_TIMEOUT = 60  # seconds for one amtool command (its own --timeout is 30 s)
DATE_FORMAT = "2006-01-02T15:04:05Z07:00"  # Go layout: RFC 3339, for the "Ends At" column

SILENCED = "DiskFull"
SILENCED_LABELS = {"alertname": SILENCED, "service": "checkout", "severity": "warning"}
UNSILENCED = "QueueBacklog"
UNSILENCED_LABELS = {"alertname": UNSILENCED, "service": "billing", "severity": "critical"}
UNSILENCED_SUMMARY = "Billing queue backlog growing"

# Two always-firing rules, evaluated every second by the start_prometheus fixture.
RULES = f"""groups:
  - name: amtool
    rules:
      - alert: {SILENCED}
        expr: vector(1)
        labels:
          service: checkout
          severity: warning
        annotations:
          summary: Checkout disk almost full
      - alert: {UNSILENCED}
        expr: vector(1)
        labels:
          service: billing
          severity: critical
        annotations:
          summary: {UNSILENCED_SUMMARY}
"""


class Amtool:
    """Runs the real amtool against one alertgate, with HOME in the test's directory so that no
    ~/.config/amtool/config.yml of the machine changes its flags."""

    def __init__(self, binary, url, home):
        self.binary = binary
        self.url = url
        self.env = dict(os.environ, HOME=home)

    def run(self, *args, output="simple"):
        return subprocess.run([self.binary, f"--alertmanager.url={self.url}", f"--output={output}",
                               f"--date.format={DATE_FORMAT}", *args],
                              capture_output=True, text=True, timeout=AMTOOL_TIMEOUT, env=self.env)

    def ok(self, *args, output="simple"):
        """stdout of a command that must exit 0."""
        result = self.run(*args, output=output)
        assert result.returncode == 0, (f"amtool -o {output} {' '.join(args)}: exit {result.returncode}\n"
                                        f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return result.stdout

    def ids(self, *args):
        """The silence ids `amtool silence query -q ARGS` prints."""
        return self.ok("silence", "query", "-q", *args).split()

    def rows(self, *args):
        """The rows of the table a command prints, as {column header: text}."""
        return table(self.ok(*args))

    def json(self, *args):
        """The output of `amtool -o json ARGS`, parsed."""
        return json.loads(self.ok(*args, output="json"))


@pytest.fixture
def amtool(alertgate, workdir):
    home = os.path.join(workdir, "home")
    os.makedirs(home)
    return Amtool(find_binary("amtool"), f"http://127.0.0.1:{alertgate.port}", home)


def table(stdout):
    """amtool's simple output: a header line, then one line a row, columns apart by 2+ spaces."""
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    assert lines, f"no table header in {stdout!r}"
    header = re.split(r"\s{2,}", lines[0])
    rows = []
    for line in lines[1:]:
        cells = re.split(r"\s{2,}", line)
        assert len(cells) == len(header), f"row {line!r} does not fit the header {header}:\n{stdout}"
        rows.append(dict(zip(header, cells)))
    return rows


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def unquoted(matchers):
    """Matcher texts without quotes around the values, sorted: `service="x"` and `service=x` alike."""
    return sorted(m.replace('"', "") for m in matchers)


def add_silence(amtool, *matchers, author, comment, duration):
    out = amtool.ok("silence", "add", *matchers, f"--author={author}", f"--comment={comment}",
                    f"--duration={duration}")
    silence_id = out.strip()
    assert re.fullmatch(r"\d+", silence_id), f"amtool silence add printed {out!r}, not one alertgate silence id"
    return silence_id


def test_amtool_silence_add_query_and_expire(alertgate, amtool):
    comment = "resizing the checkout volume, ticket OPS-42"
    before = now()
    disk = add_silence(amtool, f"alertname={SILENCED}", "service=checkout",
                       author="alice", comment=comment, duration="1h")
    other = add_silence(amtool, f"alertname={UNSILENCED}", "service=billing",
                        author="bob", comment="billing migration", duration="2h")
    assert disk != other

    # The table lists both, each with its matchers, end, author and comment.
    rows = {row["ID"]: row for row in amtool.rows("silence", "query")}
    assert set(rows) == {disk, other}, rows
    row = rows[disk]
    assert row["Created By"] == "alice", row
    assert row["Comment"] == comment, row
    assert unquoted(row["Matchers"].split()) == ["alertname=DiskFull", "service=checkout"], row
    ends_at = parse_time(row["Ends At"])
    assert before + datetime.timedelta(minutes=59) <= ends_at <= now() + datetime.timedelta(minutes=61), row
    assert rows[other]["Created By"] == "bob", rows[other]

    # -q prints ids only; matchers filter.
    assert sorted(amtool.ids()) == sorted([disk, other])
    assert amtool.ids("service=checkout") == [disk]
    assert amtool.ids(f"alertname={SILENCED}") == [disk]
    assert amtool.ids("service=billing") == [other]
    assert amtool.ids("service=search") == []
    filtered = amtool.rows("silence", "query", "service=checkout")
    assert [(r["ID"], r["Created By"], r["Comment"]) for r in filtered] == [(disk, "alice", comment)], filtered

    # alertgate's own API shows the same silence.
    listed = {str(s["id"]): s for s in alertgate.get_json("/api/v1/silences")["silences"]}
    assert set(listed) == {disk, other}, listed
    mine = listed[disk]
    assert mine["state"] == "active", mine
    assert mine["created_by"] == "alice", mine
    assert mine["comment"] == comment, mine
    assert mine["origin"] == "api", mine
    assert unquoted(mine["matchers"]) == ["alertname=DiskFull", "service=checkout"], mine
    assert parse_time(mine["starts_at"]) <= now() < parse_time(mine["ends_at"]), mine

    # Expired: gone from the plain query, listed by --expired, "expired" in alertgate's API.
    amtool.ok("silence", "expire", disk)
    assert amtool.ids() == [other]
    assert amtool.ids("service=checkout") == []
    assert amtool.ids("--expired") == [disk]
    expired_rows = amtool.rows("silence", "query", "--expired")
    assert [(r["ID"], r["Created By"], r["Comment"]) for r in expired_rows] == [(disk, "alice", comment)], expired_rows
    gone = alertgate.get_json(f"/api/v1/silences/{disk}")
    assert gone["state"] == "expired", gone
    assert parse_time(gone["ends_at"]) <= now(), gone
    assert alertgate.get_json(f"/api/v1/silences/{other}")["state"] == "active"

    # A silence that does not exist cannot be expired; the others stay as they were.
    missing = amtool.run("silence", "expire", "999999")
    assert missing.returncode != 0, f"amtool silence expire 999999 exited 0: {missing.stdout!r} {missing.stderr!r}"
    assert missing.stderr.strip(), "amtool failed without saying why"
    assert amtool.ids() == [other]
    assert amtool.ids("--expired") == [disk]


def diagnostics(alertgate, *daemons):
    def collect():
        parts = [f"--- incidents ---\n{alertgate.get('/api/v1/incidents')}",
                 f"--- silences ---\n{alertgate.get('/api/v1/silences')}",
                 f"--- /api/v2/alerts ---\n{alertgate.get('/api/v2/alerts')}",
                 f"--- alertgate stderr ---\n{alertgate.stderr_tail()}"]
        parts += [f"--- {d.name} log ---\n{d.log_tail()}" for d in daemons]
        return "\n".join(parts)
    return collect


class Signals:
    """Every signal of a fresh database, read by id from 1 (GET /api/v1/signals/{id} until a 404)."""

    def __init__(self, alertgate):
        self.alertgate = alertgate
        self.seen = []

    def all(self):
        while True:
            result = self.alertgate.get(f"/api/v1/signals/{len(self.seen) + 1}")
            if result.status == 404:
                return list(self.seen)
            assert result.status == 200, f"GET /api/v1/signals/{len(self.seen) + 1}: {result}"
            self.seen.append(result.json())

    def named(self, alertname):
        return [s for s in self.all() if (s.get("signal") or {}).get("labels", {}).get("alertname") == alertname]


def incident_with_alert(alertgate, alertname):
    """(incident detail, alert) of the incident holding the alert named alertname, or None."""
    for summary in alertgate.incidents():
        detail = alertgate.incident(summary["id"])
        for alert in detail["alerts"]:
            if alert["labels"].get("alertname") == alertname:
                return detail, alert
    return None


def test_prometheus_alerts_under_an_amtool_silence(alertgate, amtool, start_prometheus):
    silence = add_silence(amtool, f"alertname={SILENCED}", "service=checkout",
                          author="alice", comment="disk resize", duration="1h")
    prometheus = start_prometheus([f"{alertgate.host}:{alertgate.port}"], rules_text=RULES)
    why = diagnostics(alertgate, prometheus)
    signals = Signals(alertgate)

    # The unsilenced alert opens an incident; the silenced one arrives (and is resent) as signals.
    incident, alert = eventually(lambda: incident_with_alert(alertgate, UNSILENCED), 45,
                                 f"an incident holding {UNSILENCED}", diagnostics=why)
    silenced = eventually(lambda: (lambda found: found if len(found) >= 2 else None)(signals.named(SILENCED)), 30,
                          f"two signals of {SILENCED} (the first and a resend)", diagnostics=why)

    for s in silenced:
        assert s["decision"] == "silenced", s
        assert s["why"]["rule"] == "silence", s
        assert str(s["why"]["key"]) == silence, s
        assert s["incident_id"] is None, s
        assert s["source"] == "alertmanager_api", s
        assert s["fingerprint"] == alertmanager_fingerprint(SILENCED_LABELS), s
    assert alertgate.incidents(service="checkout") == [], alertgate.get("/api/v1/incidents")
    assert incident_with_alert(alertgate, SILENCED) is None, alertgate.get("/api/v1/incidents")

    assert incident["service"] == "billing", incident
    assert incident["status"] == "open", incident
    assert alert["status"] == "firing", alert
    assert alert["fingerprint"] == alertmanager_fingerprint(UNSILENCED_LABELS), alert
    unsilenced = signals.named(UNSILENCED)
    assert unsilenced and unsilenced[0]["decision"] == "opened", unsilenced
    assert {s["incident_id"] for s in unsilenced} == {incident["id"]}, unsilenced

    # amtool alert query: the firing alert (the silenced one is no alert of alertgate's).
    rows = amtool.rows("alert", "query")
    assert [r["Alertname"] for r in rows] == [UNSILENCED], rows
    assert rows[0]["Summary"] == UNSILENCED_SUMMARY, rows
    assert rows[0]["State"] == "active", rows
    assert [r["Alertname"] for r in amtool.rows("alert", "query", f"alertname={UNSILENCED}")] == [UNSILENCED]
    assert [r["Alertname"] for r in amtool.rows("alert", "query", "service=billing")] == [UNSILENCED]
    assert amtool.rows("alert", "query", f"alertname={SILENCED}") == []
    assert amtool.rows("alert", "query", "service=checkout") == []
    listed = amtool.json("alert", "query")
    assert isinstance(listed, list) and len(listed) == 1, listed
    assert listed[0]["labels"] == UNSILENCED_LABELS, listed
    assert listed[0]["fingerprint"] == alertmanager_fingerprint(UNSILENCED_LABELS), listed
    assert listed[0]["status"]["state"] == "active", listed
    assert listed[0]["status"]["silencedBy"] == [], listed

    # Once the silence is expired, the next resend of the silenced alert opens an incident.
    amtool.ok("silence", "expire", silence)
    opened, disk_alert = eventually(lambda: incident_with_alert(alertgate, SILENCED), 30,
                                    f"an incident holding {SILENCED} after its silence expired", diagnostics=why)
    assert opened["service"] == "checkout", opened
    assert opened["id"] != incident["id"], opened
    assert disk_alert["fingerprint"] == alertmanager_fingerprint(SILENCED_LABELS), disk_alert
    assert [r["Alertname"] for r in amtool.rows("alert", "query", f"alertname={SILENCED}")] == [SILENCED]

    # A silence over an alert already firing: listed as suppressed, and it goes on repeating.
    # Prometheus's resends change nothing but endsAt: they fold into the alert's count and its
    # history (GET /api/v1/alerts/{id}) rather than each becoming a signal.
    count_before = alertgate.get_json(f"/api/v1/alerts/{alert['id']}")["count"]
    later = add_silence(amtool, f"alertname={UNSILENCED}", author="bob", comment="billing migration", duration="10m")
    assert [r["Alertname"] for r in amtool.rows("alert", "query")] == [SILENCED]
    suppressed = amtool.json("alert", "query", "--silenced")
    assert [a["labels"]["alertname"] for a in suppressed] == [UNSILENCED], suppressed
    assert suppressed[0]["status"]["state"] == "suppressed", suppressed
    assert suppressed[0]["status"]["silencedBy"] == [later], suppressed

    def repeated():
        after = alertgate.get_json(f"/api/v1/alerts/{alert['id']}")
        return after if after["count"] > count_before else None

    after = eventually(repeated, 30, f"a resend of {UNSILENCED} after its silence", diagnostics=why)
    assert after["status"] == "firing" and after["incident_id"] == incident["id"], after
    newest = after["history"][0]
    assert newest["type"] == "repeats" or newest["decision"] == "repeat", after["history"]
    if newest["type"] == "repeats":
        assert newest["why"]["rule"] == "dedup.repeat_folded", newest
        raw = alertgate.get(newest["raw"])
        assert raw.status == 200 and UNSILENCED.encode() in raw.body, raw
