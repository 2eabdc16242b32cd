"""alertgate on PostgreSQL beside alertgate on SQLite, the same HTTP workloads in alternating
rounds (issue 15). PostgreSQL is a server of the run's own (scripts/lib/postgres.py: Debian's
package, a fresh cluster on 127.0.0.1, fsync off like the tests' one, so the figures show the
round trips and the server's work, not the disk), a fresh database per row. Then (`replicas`)
one, two and three gateways on one database writing side by side (`storage.writers: all`).
"""
import concurrent.futures
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


# SQLite for reference, then gateways on one PostgreSQL database: `writers: one` (others would
# be standbys) and `writers: all` with one, two and three gateways, each driven by a wrk of its own.
REPLICA_ROWS = [(None, 1), ("one", 1), ("all", 1), ("all", 2), ("all", 3)]


def _replicas_row(ctx, server, url, writers, count, workload, batch):
    spec = http_ingest.WORKLOADS[workload]
    config = f"storage: {{url: \"{url}\", writers: {writers}}}\n" if writers else None
    processes = [lib.alertgate_server(ctx.bins.alertgate, config=config) for _ in range(count)]
    started = []
    try:
        for process in processes:
            process.start()
            started.append(process)
        before = [lib.alertgate_committed(process.url) for process in processes]
        connections = max(1, http_ingest.CONNECTIONS // count)
        threads = max(1, http_ingest.THREADS // count)
        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            results = list(pool.map(lambda process: lib.wrk(process.url, spec.script, ctx.http_seconds, connections, threads,
                                                            env={"BENCH_BATCH": str(batch)}), processes))
        items = sum(lib.alertgate_committed(process.url) - start for process, start in zip(processes, before))
    finally:
        for process in started:
            process.stop()
        for process in processes:
            shutil.rmtree(process.folder, ignore_errors=True)
    for result in results:
        if result.failed:
            ctx.report.fail(f"replicas section, {spec.route} x{batch}, {count} gateways: not every request was answered 2xx "
                            f"({result.errors_text()})")
    seconds = max(result.seconds for result in results)
    # Every commit on PostgreSQL adds a writer_log version: batches a second, and how full they are.
    commits = int(server.query(url, "SELECT coalesce(max(version), 0) FROM writer_log") or 0) if writers else None
    return items / seconds, max(result.p99_ms for result in results), commits / seconds if commits else None, results[0].command


def replicas_section(ctx):
    server = Postgres()
    rows, command = [], ""
    try:
        for writers, count in REPLICA_ROWS:
            cells = [f"PostgreSQL, `writers: {writers}`" if writers else "SQLite", count]
            for workload, batch in PLAN:
                items_per_s, p99, commits_per_s, command = _replicas_row(ctx, server, server.database(), writers, count, workload, batch)
                lib.log(f"{writers or 'SQLite'}, {count} gateway(s), {http_ingest.WORKLOADS[workload].route} x{batch}: "
                        f"{items_per_s:,.0f} items/s, p99 {lib.ms(p99)} ms, {commits_per_s or 0:,.0f} commits/s")
                cells += [lib.num(items_per_s), lib.ms(p99), lib.num(commits_per_s) if commits_per_s else "-"]
            rows.append(cells)
    finally:
        server.stop()
    ctx.report.section("PostgreSQL: gateways writing side by side", [
        f"One to three `alertgate serve` on one PostgreSQL database (Debian's server on 127.0.0.1, fsync off), all on the "
        f"same two cores; each gateway driven by a wrk of its own, {http_ingest.CONNECTIONS} connections split among them "
        f"(`{command}` per gateway), {ctx.http_seconds} s per row, a fresh database per row. Items counted from each "
        "gateway's `alertgate_signals_total` (committed) and added up; commits/s from the versions of `writer_log` "
        "(one per commit, of every gateway).", "",
        *lib.table(["store", "gateways", "alerts x1 items/s", "p99 ms", "commits/s", "alerts x100 items/s", "p99 ms", "commits/s"],
                   rows)])
