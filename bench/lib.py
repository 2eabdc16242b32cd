"""Shared helpers of the benchmark suite (Python 3 standard library only).

One helper per concern: building and locating the binaries, starting and always stopping the
servers under test, reading their counters and memory, running wrk and reading its output,
timing plain HTTP requests, and writing Markdown. The sections (bench/http_ingest.py,
resend.py, udp_load.py, queries.py, growth.py) use these to talk to processes.
"""
import atexit, collections, contextlib, dataclasses, http.client, json, os, platform, re, signal, sqlite3, statistics, shutil
import subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))

import childproc  # noqa: E402  (child processes, free ports, binaries: shared with e2e/ and scripts/)


def log(message):
    """Progress on stdout, flushed at once so a long run shows where it is."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class BenchFailure(Exception):
    """A measurement that must not be reported as a figure (a server that would not start, non-2xx answers)."""


# --- binaries ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Binaries:
    alertgate: str
    ceiling: str
    alertmanager: str | None


def build_binaries():
    """The release binaries: ALERTGATE_BIN / ALERTGATE_CEILING_BIN if set, else built from the repo.
    Alertmanager is Debian's, under either of its names."""
    for product in ("alertgate", "alertgate-ceiling"):
        if not os.environ.get(childproc.binary_variable(product)):
            log(f"building {product} (release)")
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)
    return Binaries(childproc.swift_binary("alertgate", "release"), childproc.swift_binary("alertgate-ceiling", "release"),
                    childproc.find_binary("prometheus-alertmanager", "alertmanager"))


def run_bounded(argv, timeout, cwd=ROOT):
    """Runs a command to its end or for `timeout` seconds at most, then stops it with everything it
    started (its own process group). Returns (returncode, or None if it timed out; stdout; stderr)."""
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        _stop_group(proc)
        out, err = proc.communicate()
        return None, out, err
    except BaseException:
        _stop_group(proc)
        raise


def _stop_group(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def binary_version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


# --- servers ----------------------------------------------------------------------------------

_live_servers = set()


def _stop_all():
    for server in list(_live_servers):
        server.stop()


def install_cleanup():
    """Every server started is stopped on exit, on an exception, on Ctrl-C and on SIGTERM."""
    atexit.register(_stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


class Server:
    """One server process under test (a childproc.Child, its stderr in `<folder>/<name>.log`), in
    its own temporary folder (removed when it stops unless `keep`). Ready when its stdout prints a
    URL matching `ready_line` and/or, when `ready_path` is given, GET `url + ready_path` answers
    2xx, within `timeout` seconds. Use it as a context manager."""

    def __init__(self, name, argv, folder, url=None, ready_line=None, ready_path=None, keep=False, timeout=120):
        self.name, self.argv, self.folder, self.url = name, argv, folder, url
        self.ready_line, self.ready_path, self.keep, self.timeout = ready_line, ready_path, keep, timeout
        self.child = None
        self.startup_seconds = None

    def start(self):
        started = time.monotonic()
        deadline = started + self.timeout
        # A session of its own: Ctrl-C reaches this script, which then stops the server itself.
        self.child = childproc.Child(self.name, self.argv, os.path.join(self.folder, f"{self.name}.log"),
                                     pipe_stdout=bool(self.ready_line))
        _live_servers.add(self)
        try:
            if self.ready_line:
                self.url = self.child.wait_line(self.ready_line, deadline).group(1)
            if self.ready_path:
                self.child.wait_ready(self.url + self.ready_path, deadline, interval=0.02)
        except BaseException as error:
            log(f"{self.name} did not start: {self.tail_log()}")
            self.stop()
            if isinstance(error, childproc.NotReady):
                raise BenchFailure(str(error)) from error
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def tail_log(self, lines=5):
        return " | ".join(self.child.log_tail(lines).splitlines())

    @property
    def pid(self):
        return self.child.pid

    def status_kib(self, field):
        """VmHWM (peak resident set), VmRSS or RssFile (its pages of mapped files) from /proc, in KiB."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def rss_peak_kib(self):
        return self.status_kib("VmHWM")

    def rss_kib(self):
        return self.status_kib("VmRSS")

    def stop(self):
        if self.child:
            self.child.stop(grace=60)
        _live_servers.discard(self)
        if not self.keep and os.path.isdir(self.folder):
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()


def new_folder(prefix):
    return tempfile.mkdtemp(prefix=f"alertgate-bench-{prefix}-")


def alertgate_server(binary, folder=None, udp=None, config=None, keep=False, ready_path=None):
    """`alertgate serve` on 127.0.0.1, a free port, its database in `folder` (a fresh temporary
    one by default); UDP listeners off unless `udp` maps "syslog"/"gelf"/"json" to a port.
    `config`: a YAML text for --config. `ready_path`: also wait for GET on it to answer 200."""
    folder = folder or new_folder("alertgate")
    udp = udp or {}
    argv = [binary, "serve", "--port", "0", "--database", database_path(folder), "--log-level", "warning"]
    for kind in ("syslog", "gelf", "json"):
        argv += [f"--{kind}-port", str(udp.get(kind, "off"))]
    if config:
        path = os.path.join(folder, "bench-config.yaml")
        with open(path, "w") as f:
            f.write(config)
        argv += ["--config", path]
    return Server("alertgate", argv, folder, ready_line=r"alertgate listening on (http://[0-9.]+:\d+)", ready_path=ready_path,
                  keep=keep)


def database_path(folder):
    return os.path.join(folder, "alertgate.sqlite")


def database_bytes(folder):
    """The database with its WAL and shared-memory files."""
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder) if f.startswith("alertgate.sqlite"))


def stopped_database_bytes(folder):
    """The size of a stopped server's database with its WAL checkpointed into it (a WAL left at
    close would otherwise count its pages twice or not at all)."""
    connection = sqlite3.connect(database_path(folder))
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return database_bytes(folder)


def read_only(folder):
    """A read-only connection to a server's database, closed by `with`: beside a running server
    it is a separate connection that sees its WAL, and closing it checkpoints nothing."""
    return contextlib.closing(sqlite3.connect(f"file:{database_path(folder)}?mode=ro", uri=True))


def pages_in_use_bytes(folder):
    """Issue 13's size of a running server's database: the pages in use, (page_count −
    freelist_count) × page_size, plus the WAL file's bytes (`read_only`)."""
    with read_only(folder) as connection:
        pages, free, page_size = [connection.execute(f"PRAGMA {name}").fetchone()[0]
                                  for name in ("page_count", "freelist_count", "page_size")]
    wal = database_path(folder) + "-wal"
    return (pages - free) * page_size + (os.path.getsize(wal) if os.path.exists(wal) else 0)


def bytes_by_table(folder):
    """{table: bytes of the pages it and its indexes hold}, from SQLite's `dbstat` table
    (`read_only`: a running server's WAL included, as for `pages_in_use_bytes`)."""
    with read_only(folder) as connection:
        owner = dict(connection.execute("SELECT name, tbl_name FROM sqlite_master"))
        totals = {}
        for name, size in connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            totals[table] = totals.get(table, 0) + size
        return totals


def wal_at_rest(folder, seconds=5.0):
    """Waits (up to `seconds`) for a running server's WAL file to be truncated, as its checkpointer
    does once no commit has come for a second; returns the WAL's bytes then."""
    wal = database_path(folder) + "-wal"
    deadline = time.monotonic() + seconds
    while True:
        size = os.path.getsize(wal) if os.path.exists(wal) else 0
        if size == 0 or time.monotonic() >= deadline:
            return size
        time.sleep(0.1)


def read_database(folder, sql):
    """One row of a query on a stopped server's database (`read_only`)."""
    with read_only(folder) as connection:
        return connection.execute(sql).fetchone()


def payload_bytes(folder):
    """(stored bytes, original bytes) of the raw payloads: `data` as stored, `size` as received."""
    stored, original = read_database(folder, "SELECT coalesce(sum(length(data)), 0), coalesce(sum(size), 0) FROM payloads")
    return stored, original


def ceiling_server(binary, decode=False, store=False, keep=False, schema_rows=False):
    """`alertgate-ceiling`; with `decode`, its `--decode` mode (alertgate's decoding, fingerprinting and
    compressing of `/api/v2/alerts` bodies, nothing stored); with `store`, its `--store` mode (the same,
    then the least a durable store writes, committed before each answer, in `minimal.sqlite` of the
    server's folder, kept after it stops with `keep`), and with `schema_rows` as well alertgate's own
    rows for each new alert instead (`--schema-rows`)."""
    folder = new_folder("ceiling")
    mode = ["--store", os.path.join(folder, "minimal.sqlite")] if store else ["--decode"] if decode else []
    if store and schema_rows:
        mode.append("--schema-rows")
    return Server("alertgate-ceiling", [binary, *mode, "0"], folder, keep=keep,
                  ready_line=r"alertgate-ceiling listening on (http://[0-9.]+:\d+)")


ALERTMANAGER_CONFIG = """route:
  receiver: "null"
receivers:
  - name: "null"
"""


def alertmanager_server(binary):
    """Alertmanager with one null receiver, clustering off, its storage in a temporary folder."""
    folder = new_folder("alertmanager")
    config = os.path.join(folder, "alertmanager.yml")
    with open(config, "w") as f:
        f.write(ALERTMANAGER_CONFIG)
    port = childproc.free_port()
    argv = [binary, f"--config.file={config}", f"--storage.path={folder}", f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=", "--log.level=warn"]
    return Server("alertmanager", argv, folder, url=f"http://127.0.0.1:{port}", ready_path="/-/ready")


# --- counters ---------------------------------------------------------------------------------

def get_json(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def scrape(base):
    with urllib.request.urlopen(base + "/metrics", timeout=30) as response:
        return response.read().decode()


def metric_sum(text, name, **labels):
    """The sum of every sample of `name` whose labels include `labels`."""
    total = 0.0
    for match in re.finditer(rf"^{re.escape(name)}(\{{[^}}]*\}})?\s+(\S+)$", text, re.M):
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
    return total


def alertgate_committed(base):
    """Signals alertgate has committed, by its own counter."""
    return int(metric_sum(scrape(base), "alertgate_signals_total"))


def histogram_quantile_ms(text, name, q):
    """Prometheus's `histogram_quantile` of quantile `q` of histogram `name` (seconds), in ms:
    linear within the bucket it falls in; the highest finite bound when it falls past it (in
    +Inf); None when the histogram holds nothing. Reads an unlabelled histogram only."""
    buckets = sorted((float(bound), float(count)) for bound, count in
                     re.findall(rf'^{re.escape(name)}_bucket\{{le="([^"+]+)"\}}\s+(\S+)$', text, re.M))
    total = metric_sum(text, f"{name}_count")
    if not buckets or total == 0:
        return None
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            # count > below here, as rank > below (q > 0): the bucket holds the rank.
            return (lower + (bound - lower) * (rank - below) / (count - below)) * 1000
        lower, below = bound, count
    return buckets[-1][0] * 1000


def alertgate_latency_p99_ms(base):
    """The p99 of alertgate's own time from a request's queueing to its answer after the commit
    (`alertgate_ingest_latency_seconds`), in ms."""
    return histogram_quantile_ms(scrape(base), "alertgate_ingest_latency_seconds", 0.99)


def alertgate_decisions(base):
    """alertgate's committed signals by the pipeline's decision (opened, attached, silenced, ...)."""
    text = scrape(base)
    return {decision: int(metric_sum(text, "alertgate_signals_total", decision=decision))
            for decision in re.findall(r'^alertgate_signals_total\{decision="(\w+)"\}', text, re.M)}


def alertmanager_accepted(base):
    """Alerts Alertmanager has accepted, by its own counters: received less invalid."""
    text = scrape(base)
    return int(metric_sum(text, "alertmanager_alerts_received_total") - metric_sum(text, "alertmanager_alerts_invalid_total"))


# --- wrk --------------------------------------------------------------------------------------

@dataclasses.dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    non2xx: int
    socket_errors: dict
    p50_ms: float | None  # None when no request completed
    p99_ms: float | None
    command: str

    @property
    def failed(self):
        return self.non2xx > 0 or any(self.socket_errors.values())

    def errors_text(self):
        parts = [f"non-2xx {self.non2xx}"] if self.non2xx else []
        parts += [f"{k} {v}" for k, v in self.socket_errors.items() if v]
        return ", ".join(parts) or "0"


def wrk(base, script, seconds, connections=16, threads=2, env=None):
    """wrk with keep-alive connections and a Lua script of bench/; latency percentiles in ms."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s",
               "-s", os.path.join(BENCH, script), base]
    out = subprocess.run(command, env=dict(os.environ, **(env or {})), capture_output=True, text=True, check=True,
                         timeout=seconds + 60).stdout
    summary = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        requests=int(summary.group(1)), seconds=_to_ms(summary.group(2), summary.group(3)) / 1000,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        non2xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()))) if errors else {},
        p50_ms=_percentile(out, 50, summary), p99_ms=_percentile(out, 99, summary), command=" ".join(command[:-1] + ["URL"]))


def _to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _percentile(out, p, summary):
    if int(summary.group(1)) == 0:
        return None  # no request completed within the run: no latency to report
    match = re.search(rf"^\s+{p}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    return _to_ms(*match.groups())


# A process that keeps one core busy until the time given in seconds has passed, then ends.
_BUSY_LOOP = "import sys, time\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end:\n    pass\n"


@contextlib.contextmanager
def busy_process(seconds):
    """One busy process beside what runs inside (a neighbour that wants a core, as on a shared
    machine): it ends by itself after `seconds`, and is killed when the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", _BUSY_LOOP, str(seconds)])
    try:
        yield
    finally:
        proc.kill()
        proc.wait()


# --- plain HTTP timing ------------------------------------------------------------------------

class KeepAliveClient:
    """Sequential requests on one keep-alive connection (Python's http.client), each timed."""

    def __init__(self, base, timeout=60):
        host, port = re.match(r"http://([^:/]+):(\d+)", base).groups()
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        """Returns (status, body bytes, seconds)."""
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started

    def close(self):
        self.conn.close()


def percentiles_ms(seconds):
    """p50, p99 and max of a list of durations in seconds, in ms."""
    ordered = sorted(seconds)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000
    return pick(0.50), pick(0.99), ordered[-1] * 1000


def mean(values):
    return statistics.fmean(values) if values else 0.0


# --- machine and Markdown ---------------------------------------------------------------------

def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor() or "unknown CPU")
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB memory, Linux {platform.release()}"


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def mib(kib):
    return f"{kib / 1024:.0f}"


def ms(value):
    """A latency in ms, or a dash when there is none."""
    return "–" if value is None else f"{value:.2f}"


def num(value, digits=0):
    return f"{value:,.{digits}f}"


@dataclasses.dataclass
class Target:
    measure: str
    value: str
    target: str
    met: bool | None  # None: not measured in this run
    issue: int = 5  # the issue that set the target


class Report:
    """What a run found: Markdown per section, the targets, and the failures to shout about."""

    def __init__(self):
        self.sections = []
        self.targets = []
        self.failures = []
        self.runs = collections.defaultdict(list)  # (server, workload, batch) -> [HTTP runs], shared by sections

    def section(self, title, lines):
        self.sections.append((title, lines))
        print("\n" + "\n".join([f"### {title}", ""] + lines) + "\n", flush=True)

    def target(self, measure, value, target, met, issue=5):
        self.targets.append(Target(measure, value, target, met, issue))

    def fail(self, message):
        self.failures.append(message)
        log("FAILURE: " + message)
