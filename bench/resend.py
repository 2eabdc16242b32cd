"""The resend workload: what Prometheus really sends. N distinct firing alerts, sent in batches of
64 (Prometheus's largest POST to an Alertmanager), and the whole set again every evaluation
interval, R rounds. startsAt stays fixed; endsAt moves forward each round (Prometheus sets it to
the evaluation time + 4 intervals). Rounds follow a simulated 60 s evaluation clock but are sent
back to back as fast as the server takes them, on one keep-alive connection, one POST at a time
(Prometheus's notifier sends its batches one after another).

Reads after the server stops, from the SQLite file: database growth per alert sent, and the
raw-payload ratio `sum(length(data)) / sum(size)` of the payloads table.
"""
import datetime, json, shutil, time

import lib

BATCH = 64
INTERVAL = datetime.timedelta(seconds=60)


def alert_set(count):
    """`count` distinct alerts in Prometheus's shape, without their times."""
    rules = ["HighRequestLatency", "HighErrorRate", "InstanceDown", "DiskWillFillIn4Hours", "PodCrashLooping",
             "TargetDown", "KubeJobFailed", "NodeMemoryPressure"]
    alerts = []
    for i in range(count):
        rule, job = rules[i % len(rules)], f"svc-{i % 40:02d}"
        instance = f"10.2.{i // 250 % 250}.{i % 250}:9100"
        alerts.append({
            "labels": {"alertname": rule, "instance": instance, "job": job, "namespace": f"team-{i % 12}",
                       "pod": f"{job}-{i:05d}", "severity": ("critical", "warning")[i % 2]},
            "annotations": {"summary": f"{rule} on {instance}",
                            "description": f"{rule} has been firing for {job} on {instance} for more than 5 minutes.",
                            "runbook_url": f"https://runbooks.example.com/{rule.lower()}"},
            "generatorURL": f"http://prometheus-0:9090/graph?g0.expr=job%3D%22{job}%22&g0.tab=1"})
    return alerts


def _stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def bodies(alerts, rounds, started):
    """Every POST body in order: round by round, 64 alerts each."""
    starts_at = _stamp(started)
    for r in range(rounds):
        evaluated = started + r * INTERVAL
        ends_at = _stamp(evaluated + 4 * INTERVAL)
        for first in range(0, len(alerts), BATCH):
            chunk = [dict(a, startsAt=starts_at, endsAt=ends_at) for a in alerts[first:first + BATCH]]
            yield json.dumps(chunk, separators=(",", ":")).encode()


def empty_database_bytes(ctx):
    """The size of a database that received nothing, to subtract from the grown one."""
    server = lib.alertgate_server(ctx.bins.alertgate, keep=True)
    with server:
        pass
    size = lib.stopped_database_bytes(server.folder)
    shutil.rmtree(server.folder, ignore_errors=True)
    return size


def resend_section(ctx):
    count, rounds = (500, 5) if ctx.quick else (2000, 20)
    alerts = alert_set(count)
    empty = empty_database_bytes(ctx)
    server = lib.alertgate_server(ctx.bins.alertgate, keep=True)
    sent_bytes, latencies, failures = 0, [], 0
    try:
        with server:
            client = lib.KeepAliveClient(server.url)
            started = time.monotonic()
            for body in bodies(alerts, rounds, datetime.datetime.now(datetime.timezone.utc)):
                status, _, seconds = client.request("POST", "/api/v2/alerts", body,
                                                    {"Content-Type": "application/json", "User-Agent": "Prometheus/2.42.0"})
                failures += not 200 <= status < 300
                sent_bytes += len(body)
                latencies.append(seconds)
            elapsed = time.monotonic() - started
            client.close()
            committed = lib.alertgate_committed(server.url)
            rss = server.rss_peak_kib()
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
    p50, p99, _ = lib.percentiles_ms(latencies)
    lib.log(f"resend: {sends / elapsed:,.0f} alerts/s, {grown / sends:.0f} DB bytes per alert sent, payload ratio {ratio:.3f}")
    ctx.report.target("raw-payload bytes stored ÷ received, resend workload", f"{ratio:.3f}", "≤ 0.25", ratio <= 0.25)
    ctx.report.section("Resend workload (Prometheus's pattern)", [
        f"{count} distinct firing alerts in POSTs of {BATCH} to `/api/v2/alerts`, the whole set resent {rounds} times; "
        "startsAt fixed, endsAt = evaluation time + 4 min, the evaluation clock advancing 60 s per round but the rounds "
        "sent back to back, as fast as alertgate answers, one POST at a time on one keep-alive connection (Python "
        "http.client). Stored bytes are read from the SQLite file after the server stopped, its WAL checkpointed: "
        "growth = that file less an empty database's; payload ratio = `sum(length(data)) / sum(size)` of `payloads`.", "",
        *lib.table(["alerts", "rounds", "alerts sent", "POSTs", "alerts/s", "POST p50 ms", "POST p99 ms", "DB growth bytes",
                    "DB bytes per alert sent", "payload bytes received", "payload bytes stored", "stored ÷ received",
                    "peak RSS MiB"],
                   [[count, rounds, sends, len(latencies), lib.num(sends / elapsed), f"{p50:.2f}", f"{p99:.2f}",
                     lib.num(grown), lib.num(grown / sends), lib.num(original), lib.num(stored), f"{ratio:.3f}",
                     lib.mib(rss)]])])
