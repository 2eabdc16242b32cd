#!/usr/bin/env python3
"""alertgate's benchmark suite, end to end (what `scripts/bench` runs).

Builds the release binaries (or takes ALERTGATE_BIN / ALERTGATE_CEILING_BIN), then runs the
sections in order, each on fresh servers and temporary folders, all on 127.0.0.1:

  http     HTTP ingest with wrk: /api/v1/events (1, 100, 1000 per POST), /api/v2/alerts (1, 10, 100)
  compare  /api/v2/alerts side by side with Alertmanager 0.25 (A B A B), and the ceiling server
  floor    what the machine allows: the HTTP layer's and storage's floors measured apart, and the
           bounds they set on issue 13's HTTP targets (after compare, whose runs it sets beside them)
  contention  /api/v2/alerts one per POST at 64 connections, alone and beside a busy process:
              alertgate and the durable gateway with its rows, alternating
  resend   Prometheus's resend pattern (POSTs of 256): alerts/s, DB growth ÷ bytes received, raw-payload ratio
  policy   ingest with a 200-service catalog, 50 silences and 20 inhibit rules vs none (A B A B; issue 10)
  notify   notification delivery: 1,000 incidents at once into a 50 ms webhook, notify.concurrency 16 and 64
  udp      syslog and GELF datagrams at 50k, 100k, 200k per second: kernel loss, drops, stored
  queries  a generated database of 1M signals / 10k incidents: query latency, startup, sizes
  growth   how cost grows with work: ingest and RSS with 1k..1M firing alerts live, query p99 on
           100k, 1M and 10M signals; SVG charts in bench/charts (issue 13)
  postgres alertgate on PostgreSQL beside SQLite (one writer), alternating rounds
  replicas one, two and three gateways writing to one PostgreSQL database side by side
  micro    scripts/bench-micro, if present

and appends one section with every table and the targets of issues 5 and 10 to BENCHMARKS.md.
Exits non-zero if a measurement failed (a non-2xx answer, a count that does not add up).
"""
import argparse, dataclasses, datetime, os, subprocess, sys, time

import contention, floor, growth, http_ingest, lib, notify_burst, policy_load, postgres_ingest, queries, resend, udp_load

SECTIONS = {
    "http": http_ingest.ingest_section,
    "compare": http_ingest.side_by_side_section,
    "floor": floor.floor_section,
    "contention": contention.contention_section,
    "resend": resend.resend_section,
    "policy": policy_load.policy_section,
    "notify": notify_burst.notify_section,
    "udp": udp_load.udp_section,
    "queries": queries.queries_section,
    "growth": growth.growth_section,
    "postgres": postgres_ingest.postgres_section,
    "replicas": postgres_ingest.replicas_section,
    "micro": None,  # scripts/bench-micro, run below
}
MICRO = os.path.join(lib.ROOT, "scripts", "bench-micro")
MICRO_TIMEOUT = 20 * 60  # its first build of Benchmarks/ takes minutes


@dataclasses.dataclass
class Context:
    """What every section gets: the binaries, the report to add to, and the run's sizes."""
    bins: lib.Binaries
    report: lib.Report
    quick: bool
    http_seconds: int
    udp_seconds: int
    query_requests: int
    keep_db: str | None
    resend_batch: int = resend.BATCH
    charts_dir: str = os.path.join(lib.BENCH, "charts")  # where sections write their SVG charts


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short rows and a small generated database: a smoke run")
    parser.add_argument("--only", metavar="SECTION[,SECTION]", help="only these sections: " + ", ".join(SECTIONS))
    parser.add_argument("--skip-micro", action="store_true", help="do not run scripts/bench-micro")
    parser.add_argument("--no-write", action="store_true", help="print only; do not append to BENCHMARKS.md (and write "
                        "the charts to a temporary folder, not bench/charts)")
    parser.add_argument("--keep-db", metavar="DIR", help="generate the query database in DIR and keep it; "
                        "a database already there is reused")
    parser.add_argument("--resend-batch", metavar="N", type=int, default=resend.BATCH,
                        help=f"alerts per POST in the resend workload (default {resend.BATCH})")
    args = parser.parse_args(argv)
    args.sections = args.only.split(",") if args.only else list(SECTIONS)
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    if args.skip_micro and "micro" in args.sections:
        args.sections.remove("micro")
    return args


def micro_section(ctx):
    if not os.access(MICRO, os.X_OK):
        lib.log("micro: scripts/bench-micro is not there; skipped")
        ctx.report.section("Micro-benchmarks", ["`scripts/bench-micro` is not in this checkout: not run."])
        return
    lib.log("micro: running scripts/bench-micro (builds Benchmarks/ the first time)")
    code, out, err = lib.run_bounded([MICRO], timeout=MICRO_TIMEOUT)
    if code != 0:
        why = f"timed out after {MICRO_TIMEOUT} s" if code is None else f"exited with {code}"
        ctx.report.fail(f"scripts/bench-micro {why}: {err.strip()[-500:]}")
    if out.strip():
        ctx.report.section("Micro-benchmarks (`scripts/bench-micro`)", out.strip().splitlines())


def command_line(argv):
    return " ".join(["scripts/bench", *argv])


def revision():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=lib.ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=lib.ROOT, capture_output=True,
                               text=True).stdout.strip()
        return head + (" with uncommitted changes" if dirty else "")
    except OSError:
        return "unknown"


def markdown(ctx, argv, started, finished, at_revision):
    report = ctx.report
    lines = [f"## `scripts/bench`, {started:%Y-%m-%d %H:%M} UTC", "",
             f"Machine: {lib.machine()}. Command: `{command_line(argv)}` at revision {at_revision}"
             + (" (binaries given by ALERTGATE_BIN / ALERTGATE_CEILING_BIN)" if os.environ.get("ALERTGATE_BIN") else "")
             + f"; release build; {(finished - started).total_seconds() / 60:.0f} min.", ""]
    if report.failures:
        lines += ["**This run had failures; its figures are not to be trusted:**", ""] + [f"- {f}" for f in report.failures] + [""]
    for title, body in report.sections:
        lines += [f"### {title}", "", *body, ""]
    if report.targets:
        mark = {True: "met", False: "**missed**", None: "not at full size (--quick)"}
        issues = sorted({t.issue for t in report.targets})
        lines += [f"### Targets (issue{'s' if len(issues) > 1 else ''} {' and '.join(map(str, issues))})", "",
                  *lib.table(["measure", "measured", "target", "status"], [[t.measure, t.value, t.target, mark[t.met]] for t in report.targets]), ""]
    return "\n".join(lines)


def append_to_benchmarks(text):
    path = os.path.join(lib.ROOT, "BENCHMARKS.md")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("# alertgate benchmarks\n\nFigures measured on this project's machines; each section says the command, "
                    "the machine and the date. Newest last.\n")
    with open(path, "a") as f:
        f.write("\n" + text)
    lib.log(f"appended to {path}")


def main(argv):
    args = parse_args(argv)
    lib.install_cleanup()
    started = datetime.datetime.now(datetime.timezone.utc)
    # Read before the sections run: growth writes its charts into bench/charts, which git tracks.
    at_revision = revision()
    bins = lib.build_binaries()
    ctx = Context(bins, lib.Report(), args.quick, http_seconds=2 if args.quick else 10, udp_seconds=2 if args.quick else 10,
                  query_requests=100 if args.quick else 2000, keep_db=os.path.abspath(args.keep_db) if args.keep_db else None,
                  resend_batch=args.resend_batch)
    if args.no_write and "growth" in args.sections:  # a run that writes nothing must not replace the charts BENCHMARKS.md shows
        ctx.charts_dir = lib.new_folder("charts")
    for name in args.sections:
        lib.log(f"== section {name}")
        began = time.monotonic()
        try:
            (SECTIONS[name] or micro_section)(ctx)
        except (lib.BenchFailure, subprocess.SubprocessError, OSError) as error:
            ctx.report.fail(f"section {name} stopped: {error}")
        lib.log(f"== section {name} done in {time.monotonic() - began:.0f} s")
    text = markdown(ctx, argv, started, datetime.datetime.now(datetime.timezone.utc), at_revision)
    if args.no_write:
        print("\n--- the section --no-write kept out of BENCHMARKS.md ---\n" + text)
    else:
        append_to_benchmarks(text)
    if ctx.report.targets and not args.no_write:
        print("\n".join(lib.table(["measure", "measured", "target", "met"],
                                  [[t.measure, t.value, t.target, {True: "yes", False: "NO", None: "-"}[t.met]] for t in ctx.report.targets])))
    if ctx.report.failures:
        print("\nFAILURES:\n" + "\n".join(f"- {f}" for f in ctx.report.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
