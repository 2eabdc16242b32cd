"""Kill under load, then check what was acknowledged: shared by e2e/test_crash.py,
e2e/test_disk_full.py and scripts/crash-test.

A crash run (`crash_run`): a real `alertgate serve` on a fresh database in a temporary folder;
concurrent clients, each a thread with one keep-alive connection (http.client), POST batches of
/api/v1/events and some /api/v2/alerts; at a random moment (seeded) the process gets SIGKILL.
Then the database file is checked while nothing has it open (PRAGMA integrity_check on a
read-only connection, which leaves the WAL for the next open to recover, and `alertgate db
check`), alertgate is started again on it, and every acknowledged item is looked up: each
signal id of a 202 by GET /api/v1/signals/{id} (title and description as sent), each alert of
a 200 from /api/v2/alerts by its `seq` label in GET /api/v2/alerts. A request still unanswered
at the kill gets a connection error: it was not acknowledged and is not checked. Finally one
new request must be stored and SIGTERM must end the restarted process with exit code 0.

Standard library only; child processes come from scripts/lib/childproc.py.
"""

import base64
import collections
import dataclasses
import datetime
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))

import childproc  # noqa: E402

START_TIMEOUT = 30  # seconds for alertgate to print its listening line
STOP_TIMEOUT = 20  # seconds for alertgate to drain and exit on SIGTERM
REQUEST_TIMEOUT = 10  # seconds for one HTTP answer
FIRST_ANSWER_TIMEOUT = 10  # seconds for the load's first acknowledgement
LISTENING = r"^alertgate listening on http://(.+):(\d+)$"
# What a client sees when the server is gone or the connection breaks (timeouts are OSErrors too).
CONNECTION_ERRORS = (OSError, http.client.HTTPException)
# The 503 codes that say nothing was stored and to come back later.
STORE_CODES = ("store_failed", "store_unavailable")
RETRY_CODES = STORE_CODES + ("overloaded", "shutting_down")


class Server:
    """One `alertgate serve --port 0 --database PATH`, UDP listeners off, stderr in `log_path`;
    `config_text` given, `--config` names a file next to the log holding it."""

    def __init__(self, binary, database, log_path, config_text=None, name="alertgate"):
        argv = [binary, "serve", "--port", "0", "--database", database,
                "--syslog-port", "off", "--gelf-port", "off", "--json-port", "off"]
        if config_text is not None:
            config = os.path.splitext(log_path)[0] + ".yaml"
            with open(config, "w") as f:
                f.write(config_text)
            argv += ["--config", config]
        self.binary = binary
        self.database = database
        self.log_path = log_path
        self.child = childproc.Child(name, argv, log_path, pipe_stdout=True)
        try:
            listening = self.child.wait_line(LISTENING, time.monotonic() + START_TIMEOUT)
        except BaseException:
            self.child.stop()
            raise
        self.host = listening.group(1)
        self.port = int(listening.group(2))

    @property
    def pid(self):
        return self.child.pid

    def alive(self):
        return self.child.alive()

    def kill(self):
        """SIGKILL by pid; waits for the exit."""
        if self.child.alive():
            self.child.process.kill()
        self.child.process.wait(timeout=REQUEST_TIMEOUT)
        self.child.stop()

    def stop(self, grace=STOP_TIMEOUT):
        """SIGTERM, SIGKILL after `grace` seconds: the exit code, None if it had to be killed."""
        return self.child.stop(grace=grace)

    def client(self):
        return Client(self.host, self.port)

    def log_tail(self, lines=25):
        return self.child.log_tail(lines)


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body

    def json(self):
        return json.loads(self.body)

    def error_code(self):
        """The `error.code` of an error answer, or None."""
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def __repr__(self):
        retry = f" Retry-After: {self.headers['retry-after']}" if "retry-after" in self.headers else ""
        return f"HTTP {self.status}{retry} {self.body[:300]!r}"


class Client:
    """One keep-alive HTTP/1.1 connection, opened again on the next request after an error."""

    def __init__(self, host, port, timeout=REQUEST_TIMEOUT):
        self.host = host
        self.port = port
        self.timeout = timeout
        self._connection = None

    def request(self, method, path, body=None):
        """An Answer; on a connection error the connection is closed and the error raised."""
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        data = None if body is None else json.dumps(body).encode()
        headers = {} if data is None else {"Content-Type": "application/json"}
        try:
            self._connection.request(method, path, body=data, headers=headers)
            response = self._connection.getresponse()
            payload = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Ledger:
    """Every answer the load got, from all its threads: what was acknowledged (to be found later),
    what was refused (to be absent later), and every answer that is never right."""

    def __init__(self):
        self._lock = threading.Lock()
        self.signals = {}  # signal id -> (title, description), from 2xx answers
        self.alerts = {}  # seq label -> labels, from 2xx answers of /api/v2/alerts
        self.acknowledged_requests = 0
        self.refused_titles = []  # events of 503 answers: nothing of them may be stored
        self.refused_alerts = []  # labels of alerts of 503 answers: likewise
        self.statuses = collections.Counter()  # "202", "503 store_failed", ...
        self.bad_answers = []  # a 5xx but 503, a 503 without Retry-After or with another code, a 2xx without ids
        self.unanswered = 0  # connection errors once the server was meant to be gone
        self.connection_errors = []  # connection errors while it was meant to be up

    def acknowledged(self):
        with self._lock:
            return self.acknowledged_requests

    def record_events(self, events, answer):
        with self._lock:
            self._count(answer)
            if 200 <= answer.status < 300:
                try:
                    results = answer.json()["results"]
                    ids = {r["index"]: r["signal_id"] for r in results}
                    stored = {i: (events[i]["title"], events[i]["description"]) for i in range(len(events))}
                    self.signals.update({ids[i]: stored[i] for i in stored})
                except (ValueError, KeyError, TypeError) as error:
                    self.bad_answers.append(f"POST /api/v1/events: 2xx without a signal id per event ({error!r}): {answer!r}")
                    return
                self.acknowledged_requests += 1
            elif answer.status == 503:
                self.refused_titles += [e["title"] for e in events]
                self._check_refusal("POST /api/v1/events", answer)
            else:
                self.bad_answers.append(f"POST /api/v1/events: {answer!r}")

    def record_alerts(self, alerts, answer):
        with self._lock:
            self._count(answer)
            if 200 <= answer.status < 300:
                self.alerts.update({a["labels"]["seq"]: a["labels"] for a in alerts})
                self.acknowledged_requests += 1
            elif answer.status == 503:
                self.refused_alerts += [a["labels"] for a in alerts]
                self._check_refusal("POST /api/v2/alerts", answer)
            else:
                self.bad_answers.append(f"POST /api/v2/alerts: {answer!r}")

    def record_connection_error(self, error, expected):
        with self._lock:
            if expected:
                self.unanswered += 1
            else:
                self.connection_errors.append(repr(error))

    def _count(self, answer):
        code = answer.error_code() if answer.status >= 400 else None
        self.statuses[f"{answer.status} {code}" if code else str(answer.status)] += 1

    def _check_refusal(self, what, answer):
        if answer.error_code() not in RETRY_CODES or "retry-after" not in answer.headers:
            self.bad_answers.append(f"{what}: {answer!r}")


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def filler_text(rng, size):
    """`size` characters that zlib cannot shrink much (base64 of random bytes)."""
    return base64.b64encode(rng.randbytes(size * 3 // 4 + 3)).decode()[:size]


def post_batch(client, ledger, rng, tag, worker, n, alerts_share=0.0, max_batch=10, padding=0, repeat_titles=True):
    """POSTs one batch, records its answer in `ledger`, and returns it; raises on a connection error.

    Events (most): descriptions unique (`<tag> w<worker> n<n> i<index>`, plus `padding` random
    characters); titles from a small set per worker, so that some repeat and some are new, or,
    without `repeat_titles`, as unique as the descriptions.
    Alerts (a share `alerts_share`): Alertmanager API v2 alerts, each with the label
    `crashrun=<tag>` and a unique `seq` label (`<tag>-w<worker>n<n>i<index>`).
    """
    size = rng.randint(1, max_batch)
    if rng.random() < alerts_share:
        alerts = [{
            "labels": {"alertname": "CrashLoad", "service": f"{tag}-am", "crashrun": tag, "seq": f"{tag}-w{worker}n{n}i{i}"},
            "annotations": {"summary": f"crash load alert w{worker} n{n} i{i}"},
            "startsAt": now_rfc3339(),
        } for i in range(size)]
        answer = client.request("POST", "/api/v2/alerts", alerts)
        ledger.record_alerts(alerts, answer)
        return answer
    events = [{
        "title": f"{tag} w{worker} t{rng.randrange(20)}" if repeat_titles else f"{tag} w{worker} n{n} i{i}",
        "service": f"{tag}-svc{worker % 3}",
        "severity": rng.choice(["critical", "error", "warning"]),
        "description": f"{tag} w{worker} n{n} i{i}" + (" " + filler_text(rng, padding) if padding else ""),
    } for i in range(size)]
    answer = client.request("POST", "/api/v1/events", events)
    ledger.record_events(events, answer)
    return answer


def integrity_check(path):
    """PRAGMA integrity_check's answer ("ok", else its lines joined by "; "), on a read-only
    connection: the WAL is left as it is for the next writer to recover."""
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        return f"error: {error}"
    return "; ".join(str(row[0]) for row in rows)


def db_check(binary, path):
    """`alertgate db check --database PATH`: (exit code, its output)."""
    done = subprocess.run([binary, "db", "check", "--database", path], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    return done.returncode, (done.stdout + done.stderr).strip()


def stored_titles(path, titles):
    """Those of `titles` that some stored signal has (the database read directly, read-only):
    for refused events, given unique titles, this must be empty."""
    if not titles:
        return []
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        connection.execute("CREATE TEMP TABLE wanted (title TEXT)")
        connection.executemany("INSERT INTO wanted VALUES (?)", [(t,) for t in titles])
        rows = connection.execute("SELECT DISTINCT title FROM signals WHERE title IN (SELECT title FROM wanted)").fetchall()
    finally:
        connection.close()
    return [row[0] for row in rows]


def verify(server, ledger, threads=4):
    """Looks up every acknowledged signal and alert on `server`: (checked signals, lost signals
    [(id, why)], checked alerts, lost alerts [seq])."""
    ids = sorted(ledger.signals)
    lost = []
    lock = threading.Lock()

    def check(part):
        client = server.client()
        try:
            for signal_id in part:
                answer = client.request("GET", f"/api/v1/signals/{signal_id}")
                title, description = ledger.signals[signal_id]
                why = None
                if answer.status != 200:
                    why = repr(answer)
                else:
                    found = answer.json()
                    if found.get("title") != title or (found.get("signal") or {}).get("description") != description:
                        why = f"stored as {found.get('title')!r} / {(found.get('signal') or {}).get('description')!r}"
                if why:
                    with lock:
                        lost.append((signal_id, why))
        finally:
            client.close()

    workers = [threading.Thread(target=check, args=(ids[i::threads],), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    lost_alerts = []
    if ledger.alerts:
        found = alert_seqs(server, {labels["crashrun"] for labels in ledger.alerts.values()})
        lost_alerts = sorted(set(ledger.alerts) - found)
    return len(ids), sorted(lost), len(ledger.alerts), lost_alerts


def alert_seqs(server, tags):
    """The `seq` labels of the alerts GET /api/v2/alerts shows with a label crashrun in `tags`."""
    found = set()
    client = server.client()
    try:
        for tag in sorted(tags):
            answer = client.request("GET", "/api/v2/alerts?filter=" + urllib.parse.quote(f'crashrun="{tag}"'))
            assert answer.status == 200, f"GET /api/v2/alerts: {answer!r}"
            found |= {alert["labels"].get("seq") for alert in answer.json()}
    finally:
        client.close()
    return found


def new_request_works(server, tag):
    """One new event after the restart: 202 with its signal id, then found by GET. None, or what failed."""
    client = server.client()
    try:
        event = {"title": f"{tag} after restart", "service": f"{tag}-after", "description": f"{tag} after restart"}
        answer = client.request("POST", "/api/v1/events", [event])
        if answer.status != 202:
            return f"POST /api/v1/events after the restart: {answer!r}"
        signal_id = answer.json()["results"][0]["signal_id"]
        found = client.request("GET", f"/api/v1/signals/{signal_id}")
        if found.status != 200 or found.json().get("title") != event["title"]:
            return f"GET /api/v1/signals/{signal_id} after the restart: {found!r}"
        return None
    finally:
        client.close()


@dataclasses.dataclass
class RunResult:
    run: int
    seed: str
    kill_after: float  # seconds after the first acknowledgement
    ledger: object = None  # a Ledger
    integrity: str = ""
    db_check_code: object = None  # its exit code
    db_check_output: str = ""
    signals_checked: int = 0
    lost_signals: list = dataclasses.field(default_factory=list)
    alerts_checked: int = 0
    lost_alerts: list = dataclasses.field(default_factory=list)
    new_request: object = "not tried"  # None when it worked, else what failed
    exit_code: object = "not stopped"  # of the restarted process on SIGTERM
    seconds: float = 0.0
    log_tails: str = ""

    def lost(self):
        return len(self.lost_signals) + len(self.lost_alerts)

    def problems(self):
        """What went wrong, as sentences; empty when the run passed."""
        found = []
        if self.ledger is None or self.ledger.acknowledged_requests == 0:
            found.append("nothing was acknowledged before the kill")
        if self.integrity != "ok":
            found.append(f"PRAGMA integrity_check after the kill: {self.integrity}")
        if self.db_check_code != 0:
            found.append(f"alertgate db check exited {self.db_check_code}: {self.db_check_output}")
        if self.lost_signals:
            found.append(f"{len(self.lost_signals)} acknowledged signals lost, e.g. {self.lost_signals[:5]}")
        if self.lost_alerts:
            found.append(f"{len(self.lost_alerts)} acknowledged alerts lost, e.g. {self.lost_alerts[:5]}")
        if self.ledger is not None and self.ledger.bad_answers:
            found.append(f"{len(self.ledger.bad_answers)} bad answers, e.g. {self.ledger.bad_answers[:3]}")
        if self.ledger is not None and self.ledger.connection_errors:
            found.append(f"connection errors before the kill: {self.ledger.connection_errors[:3]}")
        if self.new_request is not None:
            found.append(f"new request: {self.new_request}")
        if self.exit_code != 0:
            found.append(f"SIGTERM after the restart: exit code {self.exit_code} (None: killed after {STOP_TIMEOUT} s)")
        return found

    def summary(self):
        ledger = self.ledger or Ledger()
        return (f"run {self.run}: killed {self.kill_after:.2f} s after the first acknowledgement; "
                f"acknowledged {ledger.acknowledged_requests} requests ({len(ledger.signals)} signals, "
                f"{len(ledger.alerts)} alerts), {ledger.unanswered} unanswered at the kill; "
                f"integrity_check {self.integrity}, db check exit {self.db_check_code}; "
                f"checked {self.signals_checked} signals and {self.alerts_checked} alerts after the restart, "
                f"{self.lost()} lost; {self.seconds:.1f} s")


def crash_run(binary, workdir, run, seed, clients=8, kill_window=(0.1, 1.5), alerts_share=0.15):
    """One crash run in `workdir` (a fresh folder): see the module's docstring. A RunResult."""
    rng = random.Random(f"{seed}:{run}")
    result = RunResult(run=run, seed=str(seed), kill_after=rng.uniform(*kill_window))
    started = time.monotonic()
    database = os.path.join(workdir, "db.sqlite")
    tag = f"crash{run}"
    ledger = result.ledger = Ledger()
    logs = []
    try:
        server = Server(binary, database, os.path.join(workdir, "loaded.stderr"), name="alertgate (loaded)")
        logs.append(server)
        stop = threading.Event()
        killed = threading.Event()

        def load(worker, worker_rng):
            client = server.client()
            n = 0
            try:
                while not stop.is_set():
                    n += 1
                    try:
                        post_batch(client, ledger, worker_rng, tag, worker, n, alerts_share)
                    except CONNECTION_ERRORS as error:
                        ledger.record_connection_error(error, expected=killed.is_set())
                        if killed.is_set():
                            return
                        time.sleep(0.05)
            finally:
                client.close()

        threads = [threading.Thread(target=load, args=(i, random.Random(rng.random())), daemon=True) for i in range(clients)]
        try:
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + FIRST_ANSWER_TIMEOUT
            while ledger.acknowledged() == 0 and time.monotonic() < deadline and server.alive():
                time.sleep(0.01)
            if ledger.acknowledged() > 0:
                time.sleep(result.kill_after)
        finally:
            killed.set()
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=REQUEST_TIMEOUT + 5)

        result.integrity = integrity_check(database)
        result.db_check_code, result.db_check_output = db_check(binary, database)

        restarted = Server(binary, database, os.path.join(workdir, "restarted.stderr"), name="alertgate (restarted)")
        logs.append(restarted)
        try:
            result.signals_checked, result.lost_signals, result.alerts_checked, result.lost_alerts = verify(restarted, ledger)
            result.new_request = new_request_works(restarted, tag)
        finally:
            result.exit_code = restarted.stop()
    finally:
        result.seconds = time.monotonic() - started
        result.log_tails = "\n".join(f"--- {s.log_path} (last lines)\n{s.log_tail()}" for s in logs)
    return result
