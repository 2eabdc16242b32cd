"""Fixtures: the real alertgate binary, and real Prometheus and Alertmanager daemons.

Each test gets its own gateway on a free port with a database in a temporary directory;
every process is stopped at teardown, every temporary directory removed.
"""

import os
import shutil
import tempfile
import time

import pytest

from support import ALERTGATE_BIN, RULES, Alertgate, Receiver, childproc, find_binary
from postgres import Postgres  # scripts/lib, on the path once support is imported

START_TIMEOUT = 30  # seconds for alertgate to print its listening line
STOP_TIMEOUT = 20  # seconds for alertgate to drain and exit on SIGTERM
READY_TIMEOUT = 30  # seconds for a third-party daemon to answer on /-/ready


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="alertgate-e2e-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def alertgate(workdir):
    """The real binary: `alertgate serve --port 0 --database <tmp>/db.sqlite`; SIGTERM at teardown, exit 0."""
    assert os.access(ALERTGATE_BIN, os.X_OK), f"{ALERTGATE_BIN} is missing: run `swift build` first"
    udp_ports = {name: childproc.free_udp_port() for name in ("syslog", "gelf", "json")}
    child = childproc.Child("alertgate", [
        ALERTGATE_BIN, "serve", "--port", "0", "--database", os.path.join(workdir, "db.sqlite"),
        "--syslog-port", str(udp_ports["syslog"]), "--gelf-port", str(udp_ports["gelf"]), "--json-port", str(udp_ports["json"]),
    ], os.path.join(workdir, "alertgate.stderr"), pipe_stdout=True)
    try:
        # The line it prints once it listens gives the port (its only stdout output).
        listening = child.wait_line(r"^alertgate listening on http://(.+):(\d+)$", time.monotonic() + START_TIMEOUT)
    except BaseException:
        child.stop()
        raise
    gateway = Alertgate(child, listening.group(1), int(listening.group(2)), udp_ports)

    yield gateway

    code = child.stop(grace=STOP_TIMEOUT)
    assert code == 0, (f"alertgate exit code {code} on SIGTERM (None: killed after no exit within {STOP_TIMEOUT} s):\n"
                       f"{gateway.stderr_tail()}")


@pytest.fixture
def start_alertgate(workdir):
    """start_alertgate(config_text=None, name=None) -> Alertgate: one more real alertgate, as the
    `alertgate` fixture starts it but with its UDP listeners off, its database in
    <tmp>/<name>.sqlite, its stderr in <tmp>/<name>.stderr and, when `config_text` is given,
    `--config <tmp>/<name>.yaml` holding it. Each is sent SIGTERM at teardown, the last started
    first, and must exit 0."""
    assert os.access(ALERTGATE_BIN, os.X_OK), f"{ALERTGATE_BIN} is missing: run `swift build` first"
    started = []

    def start(config_text=None, name=None):
        name = name or f"alertgate-{len(started) + 1}"
        argv = [ALERTGATE_BIN, "serve", "--port", "0", "--database", os.path.join(workdir, f"{name}.sqlite"),
                "--syslog-port", "off", "--gelf-port", "off", "--json-port", "off"]
        if config_text is not None:
            config = os.path.join(workdir, f"{name}.yaml")
            with open(config, "w") as f:
                f.write(config_text)
            argv += ["--config", config]
        child = childproc.Child(name, argv, os.path.join(workdir, f"{name}.stderr"), pipe_stdout=True)
        try:
            listening = child.wait_line(r"^alertgate listening on http://(.+):(\d+)$", time.monotonic() + START_TIMEOUT)
        except BaseException:
            child.stop()
            raise
        gateway = Alertgate(child, listening.group(1), int(listening.group(2)))
        gateway.name = name
        started.append(gateway)
        return gateway

    yield start

    failures = []
    for gateway in reversed(started):
        code = gateway.child.stop(grace=STOP_TIMEOUT)
        if code != 0:
            failures.append(f"{gateway.name} exit code {code} on SIGTERM (None: killed after no exit within "
                            f"{STOP_TIMEOUT} s):\n{gateway.stderr_tail()}")
    assert not failures, "\n".join(failures)


@pytest.fixture
def postgres():
    """A PostgreSQL server of the test's own (scripts/lib/postgres.py), stopped at teardown."""
    server = Postgres()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    """A support.Receiver: an HTTP server on 127.0.0.1 that answers every POST 200 and keeps it."""
    server = Receiver()
    yield server
    server.stop()


def start_daemon(name, argv, workdir, daemons, port):
    """Starts a third-party daemon listening on 127.0.0.1:port, stopped at teardown; waits for /-/ready."""
    daemon = childproc.Child(name, argv, os.path.join(workdir, f"{name}.log"))
    daemons.append(daemon)
    daemon.wait_ready(f"http://127.0.0.1:{port}/-/ready", time.monotonic() + READY_TIMEOUT)
    daemon.port = port
    return daemon


@pytest.fixture
def daemons():
    """Collects the third-party daemons a test starts and stops them all at teardown."""
    started = []
    yield started
    for daemon in reversed(started):
        daemon.stop()


@pytest.fixture
def start_prometheus(workdir, daemons):
    """start_prometheus(alertmanager_targets, rules_text=support.RULES, alertmanager_settings=None) -> Daemon:
    a real Prometheus evaluating the rule file text `rules_text` every second, resending every second, pushing
    to each "host:port" target with the v2 API. `alertmanager_settings` ({target: YAML text}) adds keys to
    that target's alertmanager_config, e.g. `basic_auth: {username: u, password: p}`."""
    binary = find_binary("prometheus")

    def start(alertmanager_targets, rules_text=RULES, alertmanager_settings=None):
        port = childproc.free_port()
        rules = os.path.join(workdir, "rules.yml")
        with open(rules, "w") as f:
            f.write(rules_text)

        def settings(target):
            text = (alertmanager_settings or {}).get(target)
            return "".join(f"\n      {line}" for line in text.splitlines()) if text else ""

        alertmanagers = "".join(f"""
    - api_version: v2{settings(target)}
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
        return start_daemon("prometheus", [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={os.path.join(workdir, 'prometheus-data')}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--web.external-url=http://127.0.0.1:{port}",
            "--rules.alert.resend-delay=1s",
        ], workdir, daemons, port)

    return start


@pytest.fixture
def start_alertmanager(workdir, daemons):
    """start_alertmanager(webhook_url) -> Daemon (with .port): a real Alertmanager, clustering off, one route
    to a webhook receiver with send_resolved, grouped by alertname, group wait and interval 1 s."""
    binary = find_binary("prometheus-alertmanager", "alertmanager")

    def start(webhook_url):
        port = childproc.free_port()
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
        return start_daemon("alertmanager", [
            binary,
            f"--config.file={config}",
            f"--storage.path={os.path.join(workdir, 'alertmanager-data')}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--web.external-url=http://127.0.0.1:{port}",
            "--cluster.listen-address=",
        ], workdir, daemons, port)

    return start
