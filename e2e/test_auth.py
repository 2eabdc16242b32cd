"""(g) API tokens, as the real clients present them.

Tokens come from the real `alertgate token create NAME --scopes ...`: it prints the token once
and the `auth.tokens` config line holding its SHA-256, which the tests paste as printed.

(a) A real Prometheus pushes its always-firing alert with `basic_auth` (the token as password)
    in its alertmanager_config: the alertgate whose ingest token it has stores the alert; an
    alertgate it sends a wrong password refuses it (alertgate_auth_failures_total
    {cause="invalid_token"} grows, nothing stored), and so does one it sends a token without
    the ingest scope (cause="insufficient_scope").
(b) The real amtool with `--http.config.file` holding `authorization: {credentials: TOKEN}`
    adds and queries a silence: its author is the token's name, not amtool's --author. A
    read-only token may query but not add; no token and an unknown token are refused.
"""

import hashlib
import json
import os
import re
import subprocess

import pytest

from support import ALERTGATE_BIN, FIRING_LABELS, FIRING_RULE, eventually, find_binary, request

COMMAND_TIMEOUT = 30  # seconds for one `alertgate token create` or amtool command
ARRIVAL_TIMEOUT = 30  # seconds for Prometheus's first push to reach alertgate

TOKEN_LINE = re.compile(r"^token \(shown once; keep it secret\): (agt_[A-Za-z0-9_-]{43})$")
CONFIG_LINE = re.compile(r'^  - \{name: ([^,]+), sha256: "([0-9a-f]{64})", scopes: \[([a-z, ]*)\]\}$')


def create_token(name, scopes):
    """(token, config line) printed by `alertgate token create NAME --scopes a,b`, checked."""
    result = subprocess.run([ALERTGATE_BIN, "token", "create", name, "--scopes", ",".join(scopes)],
                            capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, f"alertgate token create: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    lines = result.stdout.splitlines()
    assert len(lines) == 3, f"alertgate token create printed {result.stdout!r}"
    shown = TOKEN_LINE.match(lines[0])
    assert shown, f"no token line in {result.stdout!r}"
    token = shown.group(1)
    assert lines[1].startswith("paste under auth.tokens"), lines[1]
    entry = CONFIG_LINE.match(lines[2])
    assert entry, f"no config line in {result.stdout!r}"
    assert entry.group(1) == name, lines[2]
    assert entry.group(2) == hashlib.sha256(token.encode()).hexdigest(), "the config line's sha256 is not the token's"
    assert entry.group(3) == ", ".join(scopes), lines[2]
    assert token not in lines[2]
    return token, lines[2]


def auth_config(*entries):
    """The config text holding `entries` (config lines as `token create` prints them) under auth.tokens."""
    return "auth:\n  tokens:\n" + "".join(f"{entry}\n" for entry in entries)


def call(gateway, method, path, token=None, body=None):
    """A request to gateway with `Authorization: Bearer token` when a token is given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return request(method, gateway.url + path, body, headers=headers)


def read_json(gateway, path, token):
    result = call(gateway, "GET", path, token)
    assert result.status == 200, f"GET {path} on {gateway.name}: {result}"
    return result.json()


def auth_failures(gateway):
    """{cause: count} of alertgate_auth_failures_total, read from loopback without a token."""
    result = gateway.get("/metrics")
    assert result.status == 200, f"/metrics from loopback without a token: {result}"
    counts = {}
    for line in result.body.decode().splitlines():
        found = re.match(r'^alertgate_auth_failures_total\{cause="([a-z_]+)"\} (\S+)$', line)
        if found:
            counts[found.group(1)] = float(found.group(2))
    return counts


def grown(before, after):
    """The causes whose count grew from `before` to `after`, with how much."""
    return {cause: value - before.get(cause, 0) for cause, value in after.items() if value > before.get(cause, 0)}


def assert_refused(result, status, code):
    assert result.status == status, result
    assert result.json()["error"]["code"] == code, result
    if status == 401:
        challenge = {k.lower(): v for k, v in result.headers.items()}.get("www-authenticate")
        assert challenge == 'Bearer realm="alertgate"', result.headers


# --- (a) Prometheus -------------------------------------------------------------------------------

@pytest.mark.timeout(60)
def test_prometheus_sends_with_its_http_config(start_alertgate, start_prometheus):
    ingest, ingest_entry = create_token("prometheus", ["ingest"])
    reader, reader_entry = create_token("reader", ["read"])
    assert ingest != reader
    config = auth_config(ingest_entry, reader_entry)
    good = start_alertgate(config, name="alertgate-good")
    wrong = start_alertgate(config, name="alertgate-wrong-password")
    unscoped = start_alertgate(config, name="alertgate-reader-token")

    # Before Prometheus: reading needs the read token; the ingest token may not read.
    assert_refused(call(good, "GET", "/api/v2/alerts"), 401, "unauthenticated")
    assert_refused(call(good, "GET", "/api/v2/alerts", ingest), 403, "insufficient_scope")
    assert read_json(good, "/api/v2/alerts", reader) == []
    baseline = {g.name: auth_failures(g) for g in (good, wrong, unscoped)}

    def target(gateway):
        return f"{gateway.host}:{gateway.port}"

    def basic_auth(password):
        return f"basic_auth: {{username: prometheus, password: {json.dumps(password)}}}"

    wrong_password = ingest[:-4] + ("AAAA" if not ingest.endswith("AAAA") else "BBBB")
    prometheus = start_prometheus([target(good), target(wrong), target(unscoped)], alertmanager_settings={
        target(good): basic_auth(ingest), target(wrong): basic_auth(wrong_password), target(unscoped): basic_auth(reader)})

    def why():
        parts = []
        for g in (good, wrong, unscoped):
            parts += [f"--- {g.name} /api/v2/alerts ---\n{call(g, 'GET', '/api/v2/alerts', reader)}",
                      f"--- {g.name} auth failures ---\n{auth_failures(g)}",
                      f"--- {g.name} stderr ---\n{g.stderr_tail(10)}"]
        return "\n".join(parts + [f"--- prometheus log ---\n{prometheus.log_tail()}"])

    # The alertgate with Prometheus's ingest token stores the alert, and its incident opens.
    def arrived():
        alerts = [a for a in read_json(good, "/api/v2/alerts", reader) if a["labels"].get("alertname") == FIRING_RULE]
        return alerts or None

    [alert] = eventually(arrived, ARRIVAL_TIMEOUT, f"{FIRING_RULE} in {good.name}'s /api/v2/alerts", diagnostics=why)
    assert alert["labels"] == FIRING_LABELS, alert
    incidents = read_json(good, "/api/v1/incidents?service=checkout", reader)["incidents"]
    assert len(incidents) == 1 and incidents[0]["status"] == "open", incidents

    # The others refuse every push (Prometheus resends every second): counted by cause, nothing stored.
    def refused(gateway, cause):
        def probe():
            more = grown(baseline[gateway.name], auth_failures(gateway))
            assert set(more) <= {cause}, f"{gateway.name} counted failures of other causes: {more}"
            return more if more.get(cause, 0) >= 2 else None
        return eventually(probe, 15, f"{gateway.name} refusing two pushes as {cause}", diagnostics=why)

    refused(wrong, "invalid_token")
    refused(unscoped, "insufficient_scope")
    for gateway in (wrong, unscoped):
        assert read_json(gateway, "/api/v2/alerts", reader) == [], why()
        assert read_json(gateway, "/api/v1/incidents", reader)["incidents"] == [], why()
        assert call(gateway, "GET", "/api/v1/signals/1", reader).status == 404, why()
    assert grown(baseline[good.name], auth_failures(good)) == {}, why()


# --- (b) amtool -----------------------------------------------------------------------------------

class Amtool:
    """The real amtool against one alertgate, HOME in the test's directory (no machine config), with
    `--http.config.file` naming a file whose `authorization` holds the token, when one is given."""

    def __init__(self, url, workdir):
        self.binary = find_binary("amtool")
        self.url = url
        self.workdir = workdir
        home = os.path.join(workdir, "home")
        os.makedirs(home, exist_ok=True)
        self.env = dict(os.environ, HOME=home)

    def run(self, token, *args, output="simple"):
        argv = [self.binary, f"--alertmanager.url={self.url}", f"--output={output}"]
        if token is not None:
            path = os.path.join(self.workdir, f"amtool-http-{hashlib.sha256(token.encode()).hexdigest()[:12]}.yml")
            with open(path, "w") as f:
                f.write(f"authorization:\n  type: Bearer\n  credentials: {json.dumps(token)}\n")
            argv.append(f"--http.config.file={path}")
        return subprocess.run(argv + list(args), capture_output=True, text=True, timeout=COMMAND_TIMEOUT, env=self.env)

    def ok(self, token, *args, output="simple"):
        result = self.run(token, *args, output=output)
        assert result.returncode == 0, (f"amtool {' '.join(args)}: exit {result.returncode}\n"
                                        f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return result.stdout


@pytest.mark.timeout(60)
def test_amtool_with_a_bearer_token(start_alertgate, workdir):
    ops, ops_entry = create_token("ops", ["read", "write"])
    viewer, viewer_entry = create_token("viewer", ["read"])
    gateway = start_alertgate(auth_config(ops_entry, viewer_entry), name="alertgate")
    amtool = Amtool(gateway.url, workdir)
    comment = "resizing the checkout volume, ticket OPS-42"

    # Added with the ops token: the silence's author is the token's name, not amtool's --author.
    out = amtool.ok(ops, "silence", "add", "alertname=DiskFull", "service=checkout", "--author=alice",
                    f"--comment={comment}", "--duration=1h")
    silence_id = out.strip()
    assert re.fullmatch(r"\d+", silence_id), f"amtool silence add printed {out!r}"
    [listed] = json.loads(amtool.ok(ops, "silence", "query", output="json"))
    assert listed["id"] == silence_id, listed
    assert listed["createdBy"] == "ops", listed
    assert listed["comment"] == comment, listed
    assert listed["status"]["state"] == "active", listed
    [mine] = read_json(gateway, "/api/v1/silences", viewer)["silences"]
    assert (str(mine["id"]), mine["created_by"], mine["state"]) == (silence_id, "ops", "active"), mine

    # A read-only token lists the silence but may not add one.
    assert amtool.ok(viewer, "silence", "query", "-q").split() == [silence_id]
    before = auth_failures(gateway)
    denied = amtool.run(viewer, "silence", "add", "alertname=QueueBacklog", "--author=bob", "--comment=no",
                        "--duration=1h")
    assert denied.returncode != 0, f"a read-only token added a silence: {denied.stdout!r}"
    assert "403" in denied.stderr, denied.stderr
    assert set(grown(before, auth_failures(gateway))) == {"insufficient_scope"}, auth_failures(gateway)

    # No token, and a token alertgate does not know: refused.
    before = auth_failures(gateway)
    anonymous = amtool.run(None, "silence", "query", "-q")
    assert anonymous.returncode != 0 and "401" in anonymous.stderr, anonymous
    unknown = amtool.run("agt_" + "A" * 43, "silence", "query", "-q")
    assert unknown.returncode != 0 and "401" in unknown.stderr, unknown
    assert set(grown(before, auth_failures(gateway))) == {"no_token", "invalid_token"}, auth_failures(gateway)

    # Still the one silence, by ops.
    assert [(str(s["id"]), s["created_by"]) for s in read_json(gateway, "/api/v1/silences", ops)["silences"]] == \
        [(silence_id, "ops")]
