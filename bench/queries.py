"""Queries on a big database: generated through the real server (bench/generate_db.py), then a
fresh start on it (startup time: process start until /readyz answers 200), then sequential
requests on one keep-alive connection (Python http.client) per query kind, p50/p99/max.
Also database bytes per signal, the raw-payload compression ratio, and RSS after the queries.

`measure_database` does one database of any size; the `queries` section runs it on 1M signals,
the `growth` section (bench/growth.py) on 100k, 1M and 10M.
"""
import dataclasses, os, random, shutil

import generate_db
import lib

DAYS = 30  # the span the generated signals cover


@dataclasses.dataclass(frozen=True)
class QueryKind:
    label: str  # the table's row
    short: str  # a chart's legend
    path: object  # () -> a path with random ids and services


def query_kinds(rng, services, incidents, signals):
    """The query kinds; random ids and services come from `rng`."""
    service = lambda: f"svc-{rng.randrange(services):05d}"
    return [
        QueryKind("incidents, no filter, limit 50", "incident list, no filter", lambda: "/api/v1/incidents?limit=50"),
        QueryKind("incidents, status=open, limit 50", "incident list, status=open",
                  lambda: "/api/v1/incidents?status=open&limit=50"),
        QueryKind("incidents, status=resolved & severity=SEV2, limit 50", "incident list, resolved & SEV2",
                  lambda: "/api/v1/incidents?status=resolved&severity=SEV2&limit=50"),
        QueryKind("incidents, service=(random)", "incident list, one service",
                  lambda: f"/api/v1/incidents?service={service()}"),
        QueryKind("incidents, status=open,acknowledged & severity=SEV1,SEV2 & service=(random)",
                  "incident list, status & severity & service",
                  lambda: f"/api/v1/incidents?status=open,acknowledged&severity=SEV1,SEV2&service={service()}"),
        QueryKind("incidents, a cursor page (random cursor), limit 50", "incident list, a cursor page",
                  lambda: f"/api/v1/incidents?limit=50&cursor={rng.randint(2, incidents)}"),
        QueryKind("incident detail /api/v1/incidents/{id} (random)", "incident detail",
                  lambda: f"/api/v1/incidents/{rng.randint(1, incidents)}"),
        QueryKind("raw payload /api/v1/signals/{id}/raw (random)", "raw payload",
                  lambda: f"/api/v1/signals/{rng.randint(1, signals)}/raw"),
    ]


def is_incident_list(kind):
    return kind.label.startswith("incidents,")


@dataclasses.dataclass
class QueryResult:
    kind: QueryKind
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    mean_bytes: float
    non200: int

    def row(self):
        return [self.kind.label, self.requests, f"{self.p50_ms:.2f}", f"{self.p99_ms:.2f}", f"{self.max_ms:.2f}",
                lib.num(self.mean_bytes), self.non200]


def run_queries(ctx, base, services, incidents, signals):
    """ctx.query_requests sequential requests per query kind: a QueryResult each."""
    rng = random.Random(5)
    client = lib.KeepAliveClient(base)
    results = []
    try:
        for kind in query_kinds(rng, services, incidents, signals):
            times, sizes, bad = [], [], 0
            for _ in range(ctx.query_requests):
                status, body, seconds = client.request("GET", kind.path())
                bad += status != 200
                times.append(seconds)
                sizes.append(len(body))
            p50, p99, worst = lib.percentiles_ms(times)
            if bad:
                ctx.report.fail(f"queries, {kind.label}: {bad} of {len(times)} answers were not 200")
            lib.log(f"query {kind.label}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms")
            results.append(QueryResult(kind, len(times), p50, p99, worst, lib.mean(sizes), bad))
    finally:
        client.close()
    return results


@dataclasses.dataclass
class DatabaseRun:
    """One database measured: what generated it (None if reused), its sizes, startup, and the queries."""
    counts: dict  # /api/v1/stats at the start on it
    generated: dict | None  # generate_db.generate's summary, its "rss" added
    db_bytes: int
    stored: int
    original: int
    startup: float
    results: list
    rss_kib: int
    rss_peak_kib: int

    @property
    def worst_list_p99(self):
        """The worst p99 of the incident-list kinds (GET /api/v1/incidents with any filter)."""
        return max((r.p99_ms for r in self.results if is_incident_list(r.kind)), default=0.0)

    @property
    def payload_ratio(self):
        return self.stored / self.original if self.original else 0.0


def measure_database(ctx, signals_wanted, folder=None, keep=False):
    """Generates `signals_wanted` signals in `folder` (a fresh temporary one by default; a database
    already there is reused), restarts the server on it and times the queries. Removes the folder
    after unless `keep`."""
    config = generate_db.server_config(DAYS)
    folder = folder or lib.new_folder("queries")
    os.makedirs(folder, exist_ok=True)
    reused = os.path.exists(lib.database_path(folder))
    try:
        generated = None
        if reused:
            lib.log(f"queries: reusing the database in {folder}")
        else:
            lib.log(f"queries: generating {signals_wanted:,} signals in {folder}")
            with lib.alertgate_server(ctx.bins.alertgate, folder=folder, config=config, keep=True) as server:
                generated = generate_db.generate(server.url, signals_wanted, DAYS)
                generated["rss"] = server.rss_peak_kib()
            lib.log(f"queries: generated {generated['signals']:,} signals in {generated['seconds']:.0f} s "
                    f"({generated['signals_per_s']:,.0f} signals/s)")
        db_bytes = lib.stopped_database_bytes(folder)
        stored, original = lib.payload_bytes(folder)

        with lib.alertgate_server(ctx.bins.alertgate, folder=folder, config=config, keep=True, ready_path="/readyz") as server:
            startup = server.startup_seconds
            counts = lib.get_json(server.url + "/api/v1/stats")
            lib.log(f"queries: started in {startup:.2f} s on {counts['signals']:,} signals, {counts['incidents']:,} incidents "
                    f"({counts['open_incidents']:,} open), {counts['alerts']:,} alerts")
            services = counts["incidents"] if reused else generated["services"]
            results = run_queries(ctx, server.url, services, counts["incidents"], counts["signals"])
            rss, rss_peak = server.rss_kib(), server.rss_peak_kib()
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    if generated and counts["incidents"] != generated["services"]:
        ctx.report.fail(f"queries: the generator meant {generated['services']:,} incidents, the server made {counts['incidents']:,}")
    return DatabaseRun(counts, generated, db_bytes, stored, original, startup, results, rss, rss_peak)


def generation_text(generated):
    """How bench/generate_db.py made the database, for a section's text."""
    return (f"`POST /api/v1/events` in batches of {generated['batch']} from {generated['connections']} keep-alive "
            f"connections ({generated['posts']:,} POSTs), {generated['seconds']:.0f} s, {generated['signals_per_s']:,.0f} "
            f"signals/s, peak RSS {lib.mib(generated['rss'])} MiB")


GENERATOR_SHAPE = (f"{generate_db.SIGNALS_PER_SERVICE} signals per service over {generate_db.ALERTS_PER_SERVICE} alerts, "
                   f"8 services in 10 resolved. The server (for the generator and the queries) runs with "
                   f"`correlation.max_clock_skew: {DAYS + 2}d` so that the signals keep their own times, and "
                   "`correlation.resolve_timeout: 3650d` so that the open incidents stay open.")


def queries_section(ctx):
    signals_wanted = 20_000 if ctx.quick else 1_000_000
    run = measure_database(ctx, signals_wanted, folder=ctx.keep_db, keep=bool(ctx.keep_db))
    counts = run.counts
    ctx.report.target(f"incident list p99 at {counts['signals']:,} signals (worst filter)", f"{run.worst_list_p99:.2f} ms",
                      "≤ 20 ms", run.worst_list_p99 <= 20 if counts["signals"] >= 1_000_000 else None)
    lines = []
    if run.generated:
        lines += [f"Database generated by `bench/generate_db.py` through the running server: {run.generated['signals']:,} "
                  f"signals over the last {DAYS} days, {generation_text(run.generated)}. {GENERATOR_SHAPE}", ""]
    lines += [*lib.table(["signals", "alerts", "incidents", "open incidents", "DB bytes", "DB bytes per signal",
                          "payload bytes received", "payload bytes stored", "stored ÷ received", "startup s (to /readyz 200)"],
                         [[lib.num(counts["signals"]), lib.num(counts["alerts"]), lib.num(counts["incidents"]),
                           lib.num(counts["open_incidents"]), lib.num(run.db_bytes),
                           lib.num(run.db_bytes / max(1, counts["signals"])), lib.num(run.original), lib.num(run.stored),
                           f"{run.payload_ratio:.3f}", f"{run.startup:.2f}"]]), "",
              f"{ctx.query_requests} sequential requests per kind on one keep-alive connection (Python http.client), "
              f"random ids and services (seeded). RSS after the queries: {lib.mib(run.rss_kib)} MiB (peak "
              f"{lib.mib(run.rss_peak_kib)} MiB). A raw payload is the whole POST body that carried the signal (here "
              f"{generate_db.BATCH} events).", "",
              *lib.table(["query", "requests", "p50 ms", "p99 ms", "max ms", "mean response bytes", "non-200"],
                         [r.row() for r in run.results])]
    ctx.report.section(f"Queries on {counts['signals']:,} signals and {counts['incidents']:,} incidents", lines)
