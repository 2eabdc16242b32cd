"""Helpers for the end-to-end tests: alertgate's JSON API, polling, the Prometheus rules.

Child processes, free ports and binaries come from scripts/lib/childproc.py: every child runs in
its own session with its output in a log file inside a temporary directory, and is stopped by
its own pid (SIGTERM, then SIGKILL after a grace period).
"""

import http.server
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))

import childproc  # noqa: E402  (conftest starts its processes with it too)

# $ALERTGATE_BIN, else what `swift build` makes (scripts/test builds it before these tests).
ALERTGATE_BIN = childproc.swift_binary("alertgate", "debug")


def find_binary(*names):
    """The first of `names` installed; fails the test when none is."""
    path = childproc.find_binary(*names)
    assert path, f"none of {', '.join(names)} is installed: scripts/test installs the Debian packages"
    return path


def eventually(probe, timeout, what, interval=0.25, diagnostics=None):
    """Calls probe() until it returns a truthy value, which is returned; fails after timeout seconds.

    probe may raise AssertionError while the condition does not hold yet; the last one is shown.
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = probe()
            if value:
                return value
            last = f"last value: {value!r}"
        except AssertionError as error:
            last = str(error)
        if time.monotonic() >= deadline:
            extra = diagnostics() if diagnostics else ""
            raise AssertionError(f"{what}: not within {timeout} s ({last})\n{extra}")
        time.sleep(interval)


class HTTPResult:
    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"HTTP {self.status} {self.body[:500]!r}"


def request(method, url, body=None, headers=None, timeout=10):
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return HTTPResult(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return HTTPResult(error.code, error.read(), dict(error.headers))


class Alertgate:
    """A running alertgate binary (a childproc.Child, see the `alertgate` fixture) and its JSON API."""

    def __init__(self, child, host, port, udp_ports=None):
        self.child = child
        self.process = child.process
        self.udp_ports = udp_ports or {}
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"

    def get(self, path):
        return request("GET", self.url + path)

    def get_json(self, path):
        result = self.get(path)
        assert result.status == 200, f"GET {path}: {result}"
        return result.json()

    def post(self, path, body):
        return request("POST", self.url + path, body)

    def post_json(self, path, body, status=200):
        """POSTs `body` as JSON; the answer parsed, which must have `status`."""
        result = self.post(path, body)
        assert result.status == status, f"POST {path}: {result}"
        return result.json()

    def notifications(self, incident_id=None):
        """The outbox rows: an incident's (oldest first), or all (newest first, up to 1000)."""
        path = f"/api/v1/incidents/{incident_id}/notifications" if incident_id else "/api/v1/notifications?limit=1000"
        return self.get_json(path)["notifications"]

    def incidents(self, **filters):
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        return self.get_json("/api/v1/incidents" + (f"?{query}" if query else ""))["incidents"]

    def incident(self, incident_id):
        return self.get_json(f"/api/v1/incidents/{incident_id}")

    def signals(self, incident_id):
        return self.get_json(f"/api/v1/incidents/{incident_id}/signals?limit=1000")["signals"]

    def stderr_tail(self, lines=25):
        return self.child.log_tail(lines)


class Receiver:
    """An HTTP receiver on 127.0.0.1 (threads of this process): answers every POST with 200 and
    an empty body, and keeps each request as {"path", "headers", "body" (bytes)}. `stop()` closes it."""

    def __init__(self):
        self.requests = []
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with owner._lock:
                    owner.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # quiet: the requests are kept instead
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def received(self, path=None):
        """The requests so far (to `path` only, if given), oldest first."""
        with self._lock:
            return [r for r in self.requests if path is None or r["path"] == path]

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def alertmanager_fingerprint(labels):
    """Alertmanager's label-set fingerprint (FORMATS.md): FNV-1a 64, 16 lowercase hex digits."""
    h = 14695981039346656037
    for name in sorted(labels, key=lambda n: n.encode()):
        for byte in name.encode() + b"\xff" + labels[name].encode() + b"\xff":
            h = ((h ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


# The rules every Prometheus of these tests evaluates (every second, resent every second).
FIRING_RULE = "CheckoutHighErrorRate"
FIRING_LABELS = {"alertname": FIRING_RULE, "service": "checkout", "severity": "critical"}
# Fires once Prometheus has scraped itself (its discovery waits ~5 s) and resolves 15 s after its start.
RESOLVING_RULE = "PrometheusRecentlyRestarted"
RESOLVING_SERVICE = "prometheus"

RULES = f"""groups:
  - name: checkout
    rules:
      - alert: {FIRING_RULE}
        expr: vector(1)
        labels:
          severity: critical
          service: checkout
        annotations:
          summary: Checkout error rate above 5%
          description: More than 5% of checkout requests failed over the last 5 minutes.
  - name: prometheus-self
    rules:
      - alert: {RESOLVING_RULE}
        expr: (time() - process_start_time_seconds{{job="prometheus"}}) < 15
        for: 0s
        labels:
          severity: warning
          service: {RESOLVING_SERVICE}
        annotations:
          summary: Prometheus restarted less than 15 seconds ago
"""
