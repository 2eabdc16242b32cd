"""One alert per POST at 64 connections with and without a busy neighbour: how alertgate's rate
and p99 hold up when the machine gives it less, against the durable gateway that stores
alertgate's rows and does nothing else (`alertgate-ceiling --store --schema-rows`, bench/floor.py)
under the same loss.

This machine is shared and its speed moves from run to run. In slow runs alertgate's p99 at 64
connections passed 10 ms while the minimal durable gateway's (`alertgate-ceiling --store`, three
rows per alert) mostly stayed under (BENCHMARKS.md). Over a closed loop of 64 connections the mean
latency is 64 ÷ the rate, so a p99 passes a bound either because the rate fell or because the tail
grew; the table tells the two apart (p99 ÷ mean latency). The neighbour is one process keeping a
core busy (`lib.busy_process`) for the length of each wrk run, the same for both servers. The
second round runs the first one's four runs in reverse order, so a steady drift of the machine
weighs on each server, alone and beside the neighbour, alike.
"""
import contextlib, os

import floor
import http_ingest
import lib

ROUNDS = 2
LABELS = {"alertgate": "alertgate", "gateway": "`alertgate-ceiling --store --schema-rows`"}
PLAN = [(server, busy) for server in LABELS for busy in (False, True)]


def _run(ctx, server, connections, busy):
    """One wrk run of one alert per POST against a fresh `server`, with a busy neighbour or not:
    (wrk's result, alertgate's own p99 from queueing to answer, None for the gateway)."""
    beside = lib.busy_process(ctx.http_seconds + 30) if busy else contextlib.nullcontext()
    if server == "alertgate":
        # Kept apart from the compare section's runs at the same number of connections, which
        # the floor section reads.
        run = http_ingest.measure(ctx, "alertgate", "alerts", 1, connections=connections, beside=beside,
                                  variant="beside a busy process" if busy else "alone, contention section")
        return run.wrk, run.pipeline_p99_ms
    result, _, _ = floor.http_floor(ctx, store=True, schema_rows=True, connections=connections, beside=beside)
    lib.log(f"contention: {LABELS[server]}, {'beside a busy process' if busy else 'alone'}: {result.rps:,.0f} req/s, "
            f"p99 {lib.ms(result.p99_ms)} ms, errors {result.errors_text()}")
    if result.failed:
        ctx.report.fail(f"contention: {LABELS[server]}: not every request was answered 2xx ({result.errors_text()})")
    return result, None


def contention_section(ctx):
    """One alert per POST at MOST_CONNECTIONS, each server alone and beside a busy process."""
    connections = http_ingest.MOST_CONNECTIONS
    results = {step: [] for step in PLAN}
    run_rows = []
    for round_number in range(1, ROUNDS + 1):
        for server, busy in PLAN if round_number % 2 else reversed(PLAN):
            result, pipeline_p99 = _run(ctx, server, connections, busy)
            results[(server, busy)].append(result)
            mean_ms = connections / result.rps * 1000 if result.rps else None
            spread = result.p99_ms / mean_ms if result.p99_ms and mean_ms else None
            run_rows.append([round_number, LABELS[server], "one" if busy else "none", lib.num(result.rps),
                             lib.ms(result.p50_ms), lib.ms(result.p99_ms), "n/a" if spread is None else f"{spread:.2f}",
                             "–" if pipeline_p99 is None else f"{pipeline_p99:.1f}"])

    summary = []
    for server in LABELS:
        alone, beside = results[(server, False)], results[(server, True)]
        alone_rps, beside_rps = lib.mean([r.rps for r in alone]), lib.mean([r.rps for r in beside])
        summary.append([LABELS[server], lib.num(alone_rps), lib.num(beside_rps), f"{beside_rps / alone_rps:.0%}" if alone_rps else "n/a",
                        lib.ms(http_ingest._worst(alone, lambda r: r.p99_ms)), lib.ms(http_ingest._worst(beside, lambda r: r.p99_ms))])
    ctx.report.section(f"One alert per POST at {connections} connections beside a busy process", [
        f"bench/alerts.lua, 1 alert per POST, {connections} connections, {ctx.http_seconds} s per run, a fresh server "
        f"each time: alertgate, and the durable gateway with alertgate's rows ({LABELS['gateway']}, as in the floor "
        "section), each alone and beside one process that keeps a core busy for the length of the run (a Python loop; "
        f"the machine has {os.cpu_count() or 1} cores, shared with wrk's two threads). Runs in the order listed; the "
        "second round reverses the first. p99 ÷ mean latency: wrk's p99 over the mean a closed loop of that many "
        f"connections gives at that rate ({connections} ÷ requests/s): how long the tail is, apart from the rate. Queue "
        "to answer: alertgate's own p99, from a request's queueing in its pipeline to its answer after the commit (as in "
        "the compare section's ceiling table, good to about a histogram bucket); wrk's latency adds reading, decoding "
        "and compressing the request, answering it, and the client.", "",
        *lib.table(["round", "server", "busy neighbour", "requests/s", "p50 ms", "p99 ms", "p99 ÷ mean latency",
                    "queue to answer p99 ms"], run_rows), "",
        "Means of the rounds (rates), worst round (p99):", "",
        *lib.table(["server", "requests/s alone", "requests/s beside it", "rate kept", "p99 ms alone (worst)",
                    "p99 ms beside it (worst)"], summary)])
