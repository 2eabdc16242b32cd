"""Helpers for the end-to-end tests: child processes, free ports, polling, alertgate's JSON API.

Every child process runs in its own session with its output in a log file inside a temporary
directory, and is stopped by its own pid (SIGTERM, then SIGKILL after a grace period).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_port():
    """A UDP port on 127.0.0.1 that nothing is bound to right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(*names):
    for name in names:
        path = shutil.which(name) or (f"/usr/bin/{name}" if os.path.exists(f"/usr/bin/{name}") else None)
        if path:
            return path
    raise AssertionError(f"none of {', '.join(names)} is installed: scripts/test installs the Debian packages")


def log_tail(path, lines=25):
    try:
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
    except OSError:
        return ""


class Daemon:
    """A third-party daemon (Prometheus, Alertmanager) started for one test."""

    def __init__(self, name, argv, workdir):
        self.name = name
        self.log_path = os.path.join(workdir, f"{name}.log")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self):
        return self.process.poll() is None

    def stop(self, grace=10.0):
        """Stops the daemon; returns its exit code (None when it had to be killed)."""
        code = self.process.poll()
        if code is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=grace)
                code = None
        self._log.close()
        return code

    def log_tail(self, lines=25):
        return log_tail(self.log_path, lines)

    def wait_ready(self, url, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} was not ready at {url} within {timeout} s:\n{self.log_tail()}")


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
    """A running alertgate binary (see the `alertgate` fixture) and its JSON API."""

    def __init__(self, process, host, port, stderr_path, udp_ports=None):
        self.process = process
        self.udp_ports = udp_ports or {}
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self.stderr_path = stderr_path

    def get(self, path):
        return request("GET", self.url + path)

    def get_json(self, path):
        result = self.get(path)
        assert result.status == 200, f"GET {path}: {result}"
        return result.json()

    def incidents(self, **filters):
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        return self.get_json("/api/v1/incidents" + (f"?{query}" if query else ""))["incidents"]

    def incident(self, incident_id):
        return self.get_json(f"/api/v1/incidents/{incident_id}")

    def signals(self, incident_id):
        return self.get_json(f"/api/v1/incidents/{incident_id}/signals?limit=1000")["signals"]

    def stderr_tail(self, lines=25):
        return log_tail(self.stderr_path, lines)


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
