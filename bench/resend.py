"""The resend workload: what Prometheus really sends. N distinct firing alerts, sent in POSTs of
BATCH alerts (256, as issue 13 sets the workload: "2,000 firing alerts resent in POSTs of 256";
`scripts/bench --resend-batch N` changes it), and the whole set again every evaluation interval,
R rounds. startsAt stays fixed; endsAt moves forward each round (Prometheus sets it to
the evaluation time + 4 intervals). Rounds follow a simulated 60 s evaluation clock but are sent
back to back as fast as the server takes them, on one keep-alive connection, one POST at a time
(Prometheus's notifier sends its batches one after another).

Database growth, two ways. Issue 13's measure, read while the server still runs through a separate
read-only connection: the pages in use, (page_count − freelist_count) × page_size, plus the WAL
file's bytes, less the same figure of a fresh server's empty database, against the bytes received
(the POST bodies). And after the server stops, from the SQLite file with its WAL checkpointed:
growth per alert sent, and the raw-payload ratio `sum(length(data)) / sum(size)` of the payloads
table.
"""
import datetime, json, shutil, time

import lib

BATCH = 256  # alerts per POST
INTERVAL = datetime.timedelta(seconds=60)
RULES = ["HighRequestLatency", "HighErrorRate", "InstanceDown", "DiskWillFillIn4Hours", "PodCrashLooping",
         "TargetDown", "KubeJobFailed", "NodeMemoryPressure"]


def alert(i):
    """Alert number `i` in Prometheus's shape, without its times: a label set of its own for every `i`."""
    rule, job = RULES[i % len(RULES)], f"svc-{i % 40:02d}"
    instance = f"10.2.{i // 250 % 250}.{i % 250}:9100"
    return {
        "labels": {"alertname": rule, "instance": instance, "job": job, "namespace": f"team-{i % 12}",
                   "pod": f"{job}-{i:05d}", "severity": ("critical", "warning")[i % 2]},
        "annotations": {"summary": f"{rule} on {instance}",
                        "description": f"{rule} has been firing for {job} on {instance} for more than 5 minutes.",
                        "runbook_url": f"https://runbooks.example.com/{rule.lower()}"},
        "generatorURL": f"http://prometheus-0:9090/graph?g0.expr=job%3D%22{job}%22&g0.tab=1"}


def alert_set(count):
    """`count` distinct alerts in Prometheus's shape, without their times."""
    return [alert(i) for i in range(count)]


def stamp(moment):
    """A time as Prometheus writes it: RFC 3339 UTC with milliseconds."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def bodies(alerts, rounds, started, batch=BATCH):
    """Every POST body in order: round by round, `batch` alerts each (the last of a round fewer)."""
    starts_at = stamp(started)
    for r in range(rounds):
        evaluated = started + r * INTERVAL
        ends_at = stamp(evaluated + 4 * INTERVAL)
        for first in range(0, len(alerts), batch):
            chunk = [dict(a, startsAt=starts_at, endsAt=ends_at) for a in alerts[first:first + batch]]
            yield json.dumps(chunk, separators=(",", ":")).encode()


def empty_database(ctx):
    """(file bytes after stopping, pages-in-use bytes while running) of a database that received
    nothing, to subtract from the grown one's."""
    server = lib.alertgate_server(ctx.bins.alertgate, keep=True, ready_path="/readyz")
    try:
        with server:
            lib.wal_at_rest(server.folder)
            in_use = lib.pages_in_use_bytes(server.folder)
        return lib.stopped_database_bytes(server.folder), in_use
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


def resend_section(ctx):
    count, rounds = (500, 5) if ctx.quick else (2000, 20)
    batch = ctx.resend_batch
    alerts = alert_set(count)
    empty, empty_in_use = empty_database(ctx)
    server = lib.alertgate_server(ctx.bins.alertgate, keep=True)
    sent_bytes, latencies, failures = 0, [], 0
    posts_per_round = -(-count // batch)
    try:
        with server:
            client = lib.KeepAliveClient(server.url)
            started, paused = time.monotonic(), 0.0
            for n, body in enumerate(bodies(alerts, rounds, datetime.datetime.now(datetime.timezone.utc), batch)):
                status, _, seconds = client.request("POST", "/api/v2/alerts", body,
                                                    {"Content-Type": "application/json", "User-Agent": "Prometheus/2.42.0"})
                failures += not 200 <= status < 300
                sent_bytes += len(body)
                latencies.append(seconds)
                if n + 1 == posts_per_round:
                    # The first round made the alerts; what the resends add is measured from here.
                    pause = time.monotonic()
                    lib.wal_at_rest(server.folder)
                    after_first, first_bytes = lib.pages_in_use_bytes(server.folder), sent_bytes
                    tables_after_first = lib.bytes_by_table(server.folder)
                    paused = time.monotonic() - pause
            elapsed = time.monotonic() - started - paused
            client.close()
            committed = lib.alertgate_committed(server.url)
            rss = server.rss_peak_kib()
            # Before the server stops, once at rest: its checkpointer truncates the WAL a second
            # after the last commit (what is left then is counted).
            wal_left = lib.wal_at_rest(server.folder)
            in_use_end = lib.pages_in_use_bytes(server.folder)
            tables_end = lib.bytes_by_table(server.folder)
            in_use_growth = in_use_end - empty_in_use
            resend_growth, resend_bytes = in_use_end - after_first, sent_bytes - first_bytes
        grown = lib.stopped_database_bytes(server.folder) - empty
        stored, original = lib.payload_bytes(server.folder)
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)

    sends = count * rounds
    if failures:
        ctx.report.fail(f"resend workload: {failures} POSTs were not answered 2xx")
    if committed != sends:
        ctx.report.fail(f"resend workload: {sends} alerts sent, alertgate_signals_total shows {committed}")
    if original != sent_bytes:
        ctx.report.fail(f"resend workload: {sent_bytes} payload bytes sent, the payloads table's sum(size) is {original}")
    ratio = stored / original if original else 0.0
    growth_ratio = in_use_growth / sent_bytes if sent_bytes else 0.0
    resend_ratio = resend_growth / resend_bytes if resend_bytes else 0.0
    p50, p99, _ = lib.percentiles_ms(latencies)
    lib.log(f"resend: {sends / elapsed:,.0f} alerts/s, {grown / sends:.0f} DB bytes per alert sent, payload ratio {ratio:.3f}, "
            f"pages in use + WAL grew {in_use_growth:,} bytes for {sent_bytes:,} received: {growth_ratio:.3f}")
    ctx.report.target("raw-payload bytes stored ÷ received, resend workload", f"{ratio:.3f}", "≤ 0.25", ratio <= 0.25)
    ctx.report.target("database growth ÷ bytes received, resend workload (pages in use + WAL)", f"{growth_ratio:.3f}", "≤ 0.05",
                      growth_ratio <= 0.05, issue=13)
    ctx.report.target("the same, of the resends alone (rounds 2 on: growth after the first round ÷ their bytes)",
                      f"{resend_ratio:.3f}", "≤ 0.05", resend_ratio <= 0.05, issue=13)
    ctx.report.section("Resend workload (Prometheus's pattern)", [
        f"{count} distinct firing alerts in POSTs of {batch} to `/api/v2/alerts`, the whole set resent {rounds} times; "
        "startsAt fixed, endsAt = evaluation time + 4 min, the evaluation clock advancing 60 s per round but the rounds "
        "sent back to back, as fast as alertgate answers, one POST at a time on one keep-alive connection (Python "
        "http.client). Pages in use + WAL (issue 13's measure of database growth), read after the run while the "
        "server still runs, at rest (once its checkpointer has truncated the WAL, a second after the last commit; "
        "waited for up to 5 s, and what is left of the WAL then is counted), through a separate read-only sqlite3 connection: (`page_count` − `freelist_count`) × "
        "`page_size` + the WAL file's bytes, less the same figure of a fresh server's empty database (read just after "
        "it started); divided by the bytes received (the POST bodies, = payload bytes received). DB growth bytes: the "
        "SQLite file after the server stopped, its WAL checkpointed, less an empty database's; payload ratio = "
        "`sum(length(data)) / sum(size)` of `payloads`. Resends alone: the same measure taken at rest after the first "
        "round (which creates the alerts) and at the end, its growth over the bytes of rounds 2 on.", "",
        *lib.table(["alerts", "rounds", "alerts per POST", "alerts sent", "POSTs", "alerts/s", "POST p50 ms", "POST p99 ms",
                    "DB growth bytes", "DB bytes per alert sent", "payload bytes received", "payload bytes stored",
                    "stored ÷ received", "peak RSS MiB", "WAL bytes at rest", "pages in use + WAL growth bytes",
                    "DB growth ÷ bytes received (pages in use + WAL)",
                    "of the resends alone (rounds 2 on)"],
                   [[count, rounds, batch, sends, len(latencies), lib.num(sends / elapsed), f"{p50:.2f}", f"{p99:.2f}",
                     lib.num(grown), lib.num(grown / sends), lib.num(original), lib.num(stored), f"{ratio:.3f}",
                     lib.mib(rss), lib.num(wal_left), lib.num(in_use_growth), f"{growth_ratio:.3f}",
                     f"{resend_ratio:.3f}"]]), "",
        *_where_the_bytes_go(tables_after_first, tables_end, first_bytes, sent_bytes, stored)])


def _where_the_bytes_go(after_first, end, first_bytes, sent_bytes, payload_stored):
    """Issue 13's growth measure split by table (indexes counted with their table), and the share
    of what the issue asks to keep: the raw bodies and the alerts with their labels."""
    tables = sorted(set(after_first) | set(end), key=lambda t: -end.get(t, 0))
    rows = [[f"`{t}`", lib.num(after_first.get(t, 0)), lib.num(end.get(t, 0)),
             f"{end.get(t, 0) / sent_bytes:.3f}" if sent_bytes else "n/a"]
            for t in tables if end.get(t, 0) > 4096 or after_first.get(t, 0) > 4096]
    kept = payload_stored + end.get("alerts", 0)
    return [
        f"Where the bytes go (SQLite's `dbstat`: pages of each table with its indexes, through the same read-only "
        f"connection, at rest; tables of one page left out). The first round received {first_bytes:,} bytes, the "
        f"whole workload {sent_bytes:,}.", "",
        *lib.table(["table", "bytes after round 1", "bytes at the end", "÷ bytes received (whole workload)"], rows), "",
        f"What issue 13 asks to keep (every body retrievable, every alert with its labels), as stored today: the "
        f"payloads' stored bytes ({payload_stored:,}, `sum(length(data))`) and the `alerts` table "
        f"({end.get('alerts', 0):,}) alone come to {kept / sent_bytes:.3f} of the bytes received, before any signal, "
        f"timeline, transition or index page."]
