"""alertgate on PostgreSQL beside alertgate on SQLite, the same HTTP workloads in alternating
rounds (issue 15). PostgreSQL is a server of the run's own (scripts/lib/postgres.py: Debian's
package, a fresh cluster on 127.0.0.1, fsync off like the tests' one, so the figures show the
round trips and the server's work, not the disk), a fresh database per row. One gateway writes
at a time on PostgreSQL today, so there is one column for it, not one per replica.
"""
import shutil

import http_ingest, lib
from postgres import Postgres

ROUNDS = 2
PLAN = [("alerts", 1), ("alerts", 100)]


def _row(ctx, config, workload, batch):
    spec = http_ingest.WORKLOADS[workload]
    process = lib.alertgate_server(ctx.bins.alertgate, config=config)
    try:
        with process:
            before = lib.alertgate_committed(process.url)
            result = lib.wrk(process.url, spec.script, ctx.http_seconds, http_ingest.CONNECTIONS, http_ingest.THREADS,
                             env={"BENCH_BATCH": str(batch)})
            items = lib.alertgate_committed(process.url) - before
    finally:
        shutil.rmtree(process.folder, ignore_errors=True)
    if result.failed:
        ctx.report.fail(f"PostgreSQL section, {spec.route} x{batch}: not every request was answered 2xx ({result.errors_text()})")
    return result, items / result.seconds


def postgres_section(ctx):
    server = Postgres()
    try:
        runs = {}
        for round_ in range(ROUNDS):
            for workload, batch in PLAN:
                for store in ("SQLite", "PostgreSQL"):
                    config = f"storage: {{url: \"{server.database()}\"}}\n" if store == "PostgreSQL" else None
                    result, items_per_s = _row(ctx, config, workload, batch)
                    runs.setdefault((workload, batch, store), []).append((result, items_per_s))
                    lib.log(f"round {round_ + 1}, {store:10} {http_ingest.WORKLOADS[workload].route} x{batch}: "
                            f"{result.rps:,.0f} req/s, {items_per_s:,.0f} items/s, p99 {lib.ms(result.p99_ms)} ms")
    finally:
        server.stop()
    rows = []
    for workload, batch in PLAN:
        cells = [http_ingest.WORKLOADS[workload].route, batch]
        for store in ("SQLite", "PostgreSQL"):
            measured = runs[(workload, batch, store)]
            cells.append(" / ".join(lib.num(items) for _, items in measured))
            cells.append(" / ".join(lib.ms(result.p99_ms) for result, _ in measured))
        sqlite = sum(items for _, items in runs[(workload, batch, "SQLite")])
        postgres = sum(items for _, items in runs[(workload, batch, "PostgreSQL")])
        cells.append(f"{postgres / sqlite:.2f}" if sqlite else "-")
        rows.append(cells)
    ctx.report.section("PostgreSQL beside SQLite (one writer)", [
        f"wrk, {http_ingest.THREADS} threads, {http_ingest.CONNECTIONS} keep-alive connections, {ctx.http_seconds} s per row, "
        f"{ROUNDS} rounds alternating the stores, a fresh database per row. PostgreSQL: Debian's server on 127.0.0.1 on "
        "the same two cores, fsync off. Items counted from `alertgate_signals_total` (committed).", "",
        *lib.table(["route", "items per POST", "SQLite items/s", "SQLite p99 ms", "PostgreSQL items/s", "PostgreSQL p99 ms",
                    "PostgreSQL ÷ SQLite"], rows)])
