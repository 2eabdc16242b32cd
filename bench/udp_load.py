#!/usr/bin/env python3
"""UDP ingest load: sends ~500-byte RFC 5424 syslog datagrams (or GELF) at fixed rates from
one sender on 127.0.0.1 to a release build of alertgate, and measures, from the server's own
counters, how many datagrams were read, stored and dropped (and by what cause).

Each rate gets a fresh server and database. The sender paces itself by the clock (it sends
what the elapsed time calls for, in slices), runs for a fixed time and stops by itself.
Results are printed and appended to BENCHMARKS.md unless --no-write.
"""
import argparse, datetime, json, os, platform, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def messages(kind, count=4096):
    """Distinct datagrams of about 500 bytes: 50 hosts x 20 apps, numbers that vary (masked by
    the fingerprint, so repeats fold into a bounded number of alerts)."""
    out = []
    for i in range(count):
        host, app = f"web-{i % 50:02d}", f"svc-{i % 20:02d}"
        text = (f"request {i} to upstream 10.0.{i % 250}.{i % 200}:8443 failed after {100 + i % 900} ms "
                f"with status 503; retry {i % 5} of 5; trace {i:032x}; ")
        text = (text * 4)[:400]
        if kind == "syslog":
            datagram = f"<11>1 2026-11-29T05:00:00.{i % 1000:03d}Z {host} {app} {1000 + i % 9000} ERR - {text}".encode()
        else:
            datagram = json.dumps({"version": "1.1", "host": host, "short_message": text, "level": 3, "_service": app}).encode()
        out.append(datagram)
    return out


def send_at_rate(port, datagrams, rate, seconds):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", port)
    sent = 0
    start = time.perf_counter()
    n = len(datagrams)
    while True:
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
        due = int(elapsed * rate) - sent
        if due <= 0:
            time.sleep(0.0002)
            continue
        for _ in range(min(due, 2000)):
            sock.sendto(datagrams[sent % n], target)
            sent += 1
    sock.close()
    return sent, time.perf_counter() - start


def stats(base, listener):
    data = json.loads(urllib.request.urlopen(base + "/api/v1/stats", timeout=10).read())
    return data["udp"].get(listener, {"received": 0, "stored": 0, "dropped": {}})


def rss_peak_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="50000,100000", help="comma-separated datagrams per second")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--format", choices=["syslog", "gelf"], default="syslog")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--product", "alertgate"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, ".build", "release", "alertgate")
    datagrams = messages(args.format)
    size = sum(len(d) for d in datagrams) / len(datagrams)
    rows = []
    for rate in [int(r) for r in args.rates.split(",")]:
        folder = tempfile.mkdtemp(prefix="alertgate-udp-")
        port = free_udp_port()
        flag = "--syslog-port" if args.format == "syslog" else "--gelf-port"
        others = ["--gelf-port", "off"] if args.format == "syslog" else ["--syslog-port", "off"]
        proc = subprocess.Popen([binary, "serve", "--port", "0", "--database", os.path.join(folder, "db.sqlite"), "--log-level", "warning",
                                 flag, str(port), "--json-port", "off", *others], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            base = re.search(r"http://[0-9.]+:\d+", proc.stdout.readline()).group(0)
            deadline = time.time() + 15
            while args.format not in json.loads(urllib.request.urlopen(base + "/api/v1/stats").read())["udp"]:
                if time.time() > deadline:
                    sys.exit("the UDP listener did not start")
                time.sleep(0.1)
            sent, elapsed = send_at_rate(port, datagrams, rate, args.seconds)
            # Let the queue drain into the database: wait until the counters stop moving.
            last, still = None, 0
            while still < 4:
                time.sleep(0.5)
                now = stats(base, args.format)
                still = still + 1 if now == last else 0
                last = now
            s = last
            row = {"rate": rate, "sent": sent, "achieved": sent / elapsed, "received": s["received"], "stored": s["stored"],
                   "dropped": s["dropped"], "kernel_loss": (sent - s["received"]) / sent, "total_loss": (sent - s["stored"]) / sent,
                   "rss_mib": rss_peak_kib(proc.pid) / 1024}
            rows.append(row)
            print(f"{rate}/s: sent {sent} ({row['achieved']:.0f}/s), read {s['received']}, stored {s['stored']}, "
                  f"dropped {s['dropped']}, loss before reading {row['kernel_loss']:.3%}, not stored {row['total_loss']:.3%}, "
                  f"peak RSS {row['rss_mib']:.0f} MiB", flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            shutil.rmtree(folder, ignore_errors=True)
    if args.no_write:
        return
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [f"\n### UDP ingest ({args.format}, ~{size:.0f}-byte datagrams), {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC\n",
             f"Machine: {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB. Command: `scripts/bench-udp --format {args.format} "
             f"--rates {args.rates} --seconds {args.seconds:g}`; one Python sender on 127.0.0.1 pacing itself, release build, fresh "
             "database per row. Read, stored and dropped come from the server's `/api/v1/stats`; \"lost before reading\" is what the "
             "kernel dropped (sent − read).\n",
             "| target rate/s | sent/s achieved | sent | read | stored | dropped by alertgate (cause) | lost before reading | not stored | peak RSS MiB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(r["dropped"].items()) if v) or "0"
        lines.append(f"| {r['rate']} | {r['achieved']:.0f} | {r['sent']} | {r['received']} | {r['stored']} | {dropped} | "
                     f"{r['kernel_loss']:.3%} | {r['total_loss']:.3%} | {r['rss_mib']:.0f} |")
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
