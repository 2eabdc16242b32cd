"""Queries on a big database: generated through the real server (bench/generate_db.py), then a
fresh start on it (startup time: process start until /readyz answers 200), then sequential
requests on one keep-alive connection (Python http.client) per query kind, p50/p99/max.
Also database bytes per signal, the raw-payload compression ratio, and RSS after the queries.
"""
import os, random, shutil

import generate_db
import lib


def _query_kinds(rng, services, incidents, signals):
    """(label, path maker) per query kind; random ids and services come from `rng`."""
    service = lambda: f"svc-{rng.randrange(services):05d}"
    return [
        ("incidents, no filter, limit 50", lambda: "/api/v1/incidents?limit=50"),
        ("incidents, status=open, limit 50", lambda: "/api/v1/incidents?status=open&limit=50"),
        ("incidents, status=resolved & severity=SEV2, limit 50",
         lambda: "/api/v1/incidents?status=resolved&severity=SEV2&limit=50"),
        ("incidents, service=(random)", lambda: f"/api/v1/incidents?service={service()}"),
        ("incidents, status=open,acknowledged & severity=SEV1,SEV2 & service=(random)",
         lambda: f"/api/v1/incidents?status=open,acknowledged&severity=SEV1,SEV2&service={service()}"),
        ("incidents, a cursor page (random cursor), limit 50",
         lambda: f"/api/v1/incidents?limit=50&cursor={rng.randint(2, incidents)}"),
        ("incident detail /api/v1/incidents/{id} (random)", lambda: f"/api/v1/incidents/{rng.randint(1, incidents)}"),
        ("raw payload /api/v1/signals/{id}/raw (random)", lambda: f"/api/v1/signals/{rng.randint(1, signals)}/raw"),
    ]


def run_queries(ctx, base, services, incidents, signals):
    """Rows of the latency table, and the worst p99 of the incident-list kinds."""
    rng = random.Random(5)
    client = lib.KeepAliveClient(base)
    rows, worst_list_p99 = [], 0.0
    try:
        for label, path in _query_kinds(rng, services, incidents, signals):
            times, sizes, bad = [], [], 0
            for _ in range(ctx.query_requests):
                status, body, seconds = client.request("GET", path())
                bad += status != 200
                times.append(seconds)
                sizes.append(len(body))
            p50, p99, worst = lib.percentiles_ms(times)
            if label.startswith("incidents,"):
                worst_list_p99 = max(worst_list_p99, p99)
            if bad:
                ctx.report.fail(f"queries, {label}: {bad} of {len(times)} answers were not 200")
            lib.log(f"query {label}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms")
            rows.append([label, len(times), f"{p50:.2f}", f"{p99:.2f}", f"{worst:.2f}", lib.num(lib.mean(sizes)), bad])
    finally:
        client.close()
    return rows, worst_list_p99


def queries_section(ctx):
    signals_wanted = 20_000 if ctx.quick else 1_000_000
    days = 30
    config = generate_db.server_config(days)
    folder = ctx.keep_db or lib.new_folder("queries")
    os.makedirs(folder, exist_ok=True)
    reused = os.path.exists(lib.database_path(folder))
    try:
        generated = None
        if reused:
            lib.log(f"queries: reusing the database in {folder}")
        else:
            lib.log(f"queries: generating {signals_wanted:,} signals in {folder}")
            with lib.alertgate_server(ctx.bins.alertgate, folder=folder, config=config, keep=True) as server:
                generated = generate_db.generate(server.url, signals_wanted, days)
                generated["rss"] = server.rss_peak_kib()
        db_bytes = lib.stopped_database_bytes(folder)
        stored, original = lib.payload_bytes(folder)

        with lib.alertgate_server(ctx.bins.alertgate, folder=folder, config=config, keep=True, ready_path="/readyz") as server:
            startup = server.startup_seconds
            counts = lib.get_json(server.url + "/api/v1/stats")
            lib.log(f"queries: started in {startup:.2f} s on {counts['signals']:,} signals, {counts['incidents']:,} incidents "
                    f"({counts['open_incidents']:,} open), {counts['alerts']:,} alerts")
            services = counts["incidents"] if reused else generated["services"]
            rows, worst_list_p99 = run_queries(ctx, server.url, services, counts["incidents"], counts["signals"])
            rss, rss_peak = server.rss_kib(), server.rss_peak_kib()
    finally:
        if not ctx.keep_db:
            shutil.rmtree(folder, ignore_errors=True)

    if generated and counts["incidents"] != generated["services"]:
        ctx.report.fail(f"queries: the generator meant {generated['services']:,} incidents, the server made {counts['incidents']:,}")
    ratio = stored / original if original else 0.0
    ctx.report.target(f"incident list p99 at {counts['signals']:,} signals (worst filter)", f"{worst_list_p99:.2f} ms", "≤ 20 ms",
                      worst_list_p99 <= 20 if counts["signals"] >= 1_000_000 else None)
    lines = []
    if generated:
        lines += [f"Database generated by `bench/generate_db.py` through the running server: {generated['signals']:,} signals "
                  f"over the last {days} days, `POST /api/v1/events` in batches of {generate_db.BATCH} from "
                  f"{generated['connections']} keep-alive connections ({generated['posts']:,} POSTs), "
                  f"{generated['seconds']:.0f} s, {generated['signals_per_s']:,.0f} signals/s, peak RSS "
                  f"{lib.mib(generated['rss'])} MiB. {generate_db.SIGNALS_PER_SERVICE} signals per service over "
                  f"{generate_db.ALERTS_PER_SERVICE} alerts, 8 services in 10 resolved. The server (for the generator and the "
                  f"queries) runs with `correlation.max_clock_skew: {days + 2}d` so that the signals keep their own times, "
                  "and `correlation.resolve_timeout: 3650d` so that the open incidents stay open.", ""]
    lines += [*lib.table(["signals", "alerts", "incidents", "open incidents", "DB bytes", "DB bytes per signal",
                          "payload bytes received", "payload bytes stored", "stored ÷ received", "startup s (to /readyz 200)"],
                         [[lib.num(counts["signals"]), lib.num(counts["alerts"]), lib.num(counts["incidents"]),
                           lib.num(counts["open_incidents"]), lib.num(db_bytes), lib.num(db_bytes / max(1, counts["signals"])),
                           lib.num(original), lib.num(stored), f"{ratio:.3f}", f"{startup:.2f}"]]), "",
              f"{ctx.query_requests} sequential requests per kind on one keep-alive connection (Python http.client), "
              f"random ids and services (seeded). RSS after the queries: {lib.mib(rss)} MiB (peak {lib.mib(rss_peak)} MiB). "
              "A raw payload is the whole POST body that carried the signal (here 1000 events).", "",
              *lib.table(["query", "requests", "p50 ms", "p99 ms", "max ms", "mean response bytes", "non-200"], rows)]
    ctx.report.section(f"Queries on {counts['signals']:,} signals and {counts['incidents']:,} incidents", lines)
