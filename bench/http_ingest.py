#!/usr/bin/env python3
"""HTTP ingest benchmark: runs wrk against a release build of alertgate on 127.0.0.1.

For each workload it starts a fresh server on a fresh database, runs wrk for a fixed time,
and counts the signals the server committed from its own /metrics counters (not from wrk).
Every request must have been answered 2xx. Results are printed and appended to
BENCHMARKS.md with the command, the machine and the date.
"""
import argparse, datetime, os, platform, re, shutil, signal, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def committed(base):
    text = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
    return sum(int(v) for v in re.findall(r'^alertgate_signals_total\{[^}]*\} (\d+)$', text, re.M))


def start_server(binary, folder):
    log = open(os.path.join(folder, "serve.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--database", os.path.join(folder, "bench.sqlite"), "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://[0-9.]+:\d+", line)
    if not match:
        proc.kill()
        sys.exit("server did not start: " + line)
    return proc, match.group(0)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


WORKLOADS = {"events": ("events.lua", "POST /api/v1/events, generic events"),
             "alerts": ("alerts.lua", "POST /api/v2/alerts, Prometheus's shape, distinct label sets")}


def run_wrk(base, workload, batch, seconds, connections, threads):
    env = dict(os.environ, BENCH_BATCH=str(batch))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s",
           "-s", os.path.join(ROOT, "bench", WORKLOADS[workload][0]), base]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return {"rps": rps, "requests": total, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else "", "p50": pct(50), "p99": pct(99), "cmd": " ".join(cmd)}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", default="1,100", help="comma-separated events per request")
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="events")
    parser.add_argument("--no-write", action="store_true", help="print only; do not append to BENCHMARKS.md")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    subprocess.run(["swift", "build", "-c", "release", "--product", "alertgate"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, ".build", "release", "alertgate")

    rows = []
    for batch in [int(b) for b in args.batches.split(",")]:
        folder = tempfile.mkdtemp(prefix="alertgate-bench-")
        proc, base = start_server(binary, folder)
        try:
            before = committed(base)
            started = time.monotonic()
            result = run_wrk(base, args.workload, batch, args.seconds, args.connections, args.threads)
            # The server answers only after commit, so every 2xx is already counted.
            elapsed = time.monotonic() - started
            events = committed(base) - before
            result.update(batch=batch, events=events, events_per_s=events / elapsed, rss_mib=rss_kib(proc.pid) / 1024,
                          db_bytes=sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder) if f.startswith("bench.sqlite")))
            expected = result["requests"] * batch
            result["lost"] = expected - events
            rows.append(result)
            print(f"batch {batch}: {result['rps']:.0f} req/s, {result['events_per_s']:.0f} events/s committed, "
                  f"p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, non-2xx {result['non2xx']}, "
                  f"peak RSS {result['rss_mib']:.0f} MiB, committed {events} of {expected} sent", flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            shutil.rmtree(folder, ignore_errors=True)

    if args.no_write:
        return
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [f"\n### HTTP ingest ({WORKLOADS[args.workload][1]}), {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC\n",
             f"Machine: {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB. Command: `scripts/bench-http --workload {args.workload} "
             f"--seconds {args.seconds} --connections {args.connections} --batches {args.batches}`; wrk with "
             f"{args.threads} threads and {args.connections} connections on 127.0.0.1, release build, fresh database per row, "
             f"every event a new alert. Events counted from the server's `alertgate_signals_total`.\n",
             "| events per POST | requests/s | events/s committed | p50 ms | p99 ms | non-2xx | peak RSS MiB | DB bytes/event |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        per_event = r["db_bytes"] / r["events"] if r["events"] else 0
        lines.append(f"| {r['batch']} | {r['rps']:.0f} | {r['events_per_s']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} | "
                     f"{r['rss_mib']:.0f} | {per_event:.0f} |")
    path = os.path.join(ROOT, "BENCHMARKS.md")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("# alertgate benchmarks\n\nFigures measured on this project's machines; each section says the command, "
                    "the machine and the date. Newest last.\n")
    with open(path, "a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
