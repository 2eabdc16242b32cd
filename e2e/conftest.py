"""Fixtures: the real alertgate binary, and real Prometheus and Alertmanager daemons.

Each test gets its own gateway on a free port with a database in a temporary directory;
every process is stopped at teardown, every temporary directory removed.
"""

import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading

import pytest

from support import REPO, RULES, Alertgate, Daemon, find_binary, free_port, free_udp_port

ALERTGATE_BIN = os.environ.get("ALERTGATE_BIN", os.path.join(REPO, ".build", "debug", "alertgate"))
START_TIMEOUT = 30  # seconds for alertgate to print its listening line
STOP_TIMEOUT = 20  # seconds for alertgate to drain and exit on SIGTERM


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="alertgate-e2e-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def alertgate(workdir):
    """The real binary: `alertgate serve --port 0 --database <tmp>/db.sqlite`; SIGTERM at teardown, exit 0."""
    assert os.access(ALERTGATE_BIN, os.X_OK), f"{ALERTGATE_BIN} is missing: run `swift build` first"
    stderr_path = os.path.join(workdir, "alertgate.stderr")
    stderr = open(stderr_path, "wb")
    udp_ports = {name: free_udp_port() for name in ("syslog", "gelf", "json")}
    process = subprocess.Popen(
        [ALERTGATE_BIN, "serve", "--port", "0", "--database", os.path.join(workdir, "db.sqlite"),
         "--syslog-port", str(udp_ports["syslog"]), "--gelf-port", str(udp_ports["gelf"]), "--json-port", str(udp_ports["json"])],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True)
    lines = queue.Queue()

    def drain():  # the first line gives the port; later output must not fill the pipe
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    try:
        try:
            first = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            first = None
        prefix = b"alertgate listening on http://"
        if not first or not first.startswith(prefix):
            raise AssertionError(f"alertgate did not announce its port (first line {first!r}):\n"
                                 + open(stderr_path, "rb").read()[-3000:].decode("utf-8", "replace"))
        host, port = first[len(prefix):].strip().decode().rsplit(":", 1)
        gateway = Alertgate(process, host, int(port), stderr_path, udp_ports)
    except BaseException:
        process.kill()
        process.wait()
        stderr.close()
        raise

    yield gateway

    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        code = "killed after no exit within %d s of SIGTERM" % STOP_TIMEOUT
    stderr.close()
    assert code == 0, f"alertgate exit code {code} on SIGTERM:\n{gateway.stderr_tail()}"


@pytest.fixture
def daemons():
    """Collects the third-party daemons a test starts and stops them all at teardown."""
    started = []
    yield started
    for daemon in reversed(started):
        daemon.stop()


@pytest.fixture
def start_prometheus(workdir, daemons):
    """start_prometheus(alertmanager_targets) -> Daemon: a real Prometheus evaluating support.RULES every
    second, resending every second, pushing to each "host:port" target with the v2 API."""
    binary = find_binary("prometheus")

    def start(alertmanager_targets):
        port = free_port()
        rules = os.path.join(workdir, "rules.yml")
        with open(rules, "w") as f:
            f.write(RULES)
        alertmanagers = "".join(f"""
    - api_version: v2
      static_configs:
        - targets: ["{target}"]""" for target in alertmanager_targets)
        config = os.path.join(workdir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{rules}]
alerting:
  alertmanagers:{alertmanagers}
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:{port}"]
""")
        daemon = Daemon("prometheus", [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={os.path.join(workdir, 'prometheus-data')}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--web.external-url=http://127.0.0.1:{port}",
            "--rules.alert.resend-delay=1s",
        ], workdir)
        daemons.append(daemon)
        daemon.wait_ready(f"http://127.0.0.1:{port}/-/ready")
        daemon.port = port
        return daemon

    return start


@pytest.fixture
def start_alertmanager(workdir, daemons):
    """start_alertmanager(webhook_url) -> Daemon (with .port): a real Alertmanager, clustering off, one route
    to a webhook receiver with send_resolved, grouped by alertname, group wait and interval 1 s."""
    binary = find_binary("prometheus-alertmanager", "alertmanager")

    def start(webhook_url):
        port = free_port()
        config = os.path.join(workdir, "alertmanager.yml")
        with open(config, "w") as f:
            f.write(f"""route:
  receiver: alertgate
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: alertgate
    webhook_configs:
      - url: {webhook_url}
        send_resolved: true
""")
        daemon = Daemon("alertmanager", [
            binary,
            f"--config.file={config}",
            f"--storage.path={os.path.join(workdir, 'alertmanager-data')}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--web.external-url=http://127.0.0.1:{port}",
            "--cluster.listen-address=",
        ], workdir)
        daemons.append(daemon)
        daemon.wait_ready(f"http://127.0.0.1:{port}/-/ready")
        daemon.port = port
        return daemon

    return start
