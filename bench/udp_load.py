"""UDP ingest at fixed rates: ~450-byte RFC 5424 syslog datagrams (level err) and GELF, from
Python senders on 127.0.0.1 that pace themselves by the clock (one per 150k/s asked), to a fresh
alertgate per rate.

Loss is split in two, from the server's own counters (the `udp` object of /api/v1/stats):
kernel loss = sent − read by the server; dropped by the server = its `dropped` counts by cause
(queue_full, ...). Loss for the target counts both: sent − stored.
"""
import json, multiprocessing, socket, time

import lib


def datagrams(kind, count=4096):
    """Distinct datagrams of about 450 bytes: 50 hosts × 20 apps and numbers that vary (masked by
    the fingerprint, so repeats fold into a bounded number of alerts)."""
    out = []
    for i in range(count):
        host, app = f"web-{i % 50:02d}", f"svc-{i % 20:02d}"
        text = (f"request {i} to upstream 10.0.{i % 250}.{i % 200}:8443 failed after {100 + i % 900} ms "
                f"with status 503; retry {i % 5} of 5; trace {i:032x}; ")
        text = (text * 4)[:395]
        if kind == "syslog":
            # <11>: facility user, severity 3 (err).
            datagram = f"<11>1 2026-11-29T05:00:00.{i % 1000:03d}Z {host} {app} {1000 + i % 9000} ERR - {text}".encode()
        else:
            datagram = json.dumps({"version": "1.1", "host": host, "short_message": text, "level": 3, "_service": app}).encode()
        out.append(datagram)
    return out


SENDER_RATE = 150_000  # what one Python sender keeps up on this kind of machine; more senders above it


def _send_paced(port, messages, rate, seconds, offset, results):
    """One sender: sends what the elapsed time calls for, in slices, for `seconds`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(("127.0.0.1", port))
    send, n, sent = sock.send, len(messages), 0
    ring = messages * 2  # a slice of up to n datagrams from any start, without wrapping
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        due = min(int(elapsed * rate) - sent, 1000)
        if due <= 0:
            time.sleep(0.0002)
            continue
        first = (offset + sent) % n
        for datagram in ring[first:first + due]:
            try:
                send(datagram)
            except ConnectionRefusedError:  # an ICMP error from an earlier datagram; the next send goes on
                pass
        sent += due
    sock.close()
    results.put((sent, time.perf_counter() - start))


def send_at_rate(port, messages, rate, seconds):
    """Sends `rate` datagrams/s for `seconds` from as many processes as the rate needs; returns
    (sent, elapsed)."""
    senders = -(-rate // SENDER_RATE)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_send_paced, args=(port, messages, rate / senders, seconds, i * 997, results))
                 for i in range(senders)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join()
    return sum(sent for sent, _ in outcomes), max(elapsed for _, elapsed in outcomes)


def listener_stats(base, kind):
    return lib.get_json(base + "/api/v1/stats")["udp"].get(kind, {"received": 0, "stored": 0, "dropped": {}})


def settled_stats(base, kind, timeout=60):
    """The listener's counters once they stop moving (the queue drained into the database)."""
    last, still, deadline = None, 0, time.monotonic() + timeout
    while still < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
        now = listener_stats(base, kind)
        still = still + 1 if now == last else 0
        last = now
    return last


def measure(ctx, kind, rate):
    messages = datagrams(kind)
    port = lib.childproc.free_udp_port()
    with lib.alertgate_server(ctx.bins.alertgate, udp={kind: port}) as server:
        deadline = time.monotonic() + 15
        while kind not in lib.get_json(server.url + "/api/v1/stats")["udp"]:
            if time.monotonic() > deadline:
                raise lib.BenchFailure(f"the {kind} UDP listener did not start")
            time.sleep(0.1)
        sent, elapsed = send_at_rate(port, messages, rate, ctx.udp_seconds)
        stats = settled_stats(server.url, kind)
        rss = server.rss_peak_kib()
    dropped = sum(stats["dropped"].values())
    row = {"kind": kind, "rate": rate, "sent": sent, "achieved": sent / elapsed, "read": stats["received"],
           "stored": stats["stored"], "dropped": stats["dropped"], "kernel_loss": (sent - stats["received"]) / sent,
           "server_loss": dropped / sent, "loss": (sent - stats["stored"]) / sent, "rss": rss,
           "size": sum(map(len, messages)) / len(messages)}
    lib.log(f"UDP {kind} {rate:,}/s: sent {sent:,} ({row['achieved']:,.0f}/s), read {row['read']:,}, stored {row['stored']:,}, "
            f"kernel loss {row['kernel_loss']:.3%}, dropped by alertgate {row['server_loss']:.3%}, not stored {row['loss']:.3%}")
    return row


def udp_section(ctx):
    rows = [measure(ctx, kind, rate) for kind in ("syslog", "gelf") for rate in (50_000, 100_000, 200_000)]
    for row in rows:
        if row["kind"] == "syslog" and row["rate"] == 100_000:
            ctx.report.target("UDP syslog at 100k datagrams/s for 10 s, not stored or folded (kernel loss + dropped by alertgate)",
                              f"{row['loss']:.3%} (kernel {row['kernel_loss']:.3%})", "≤ 0.1 %", row["loss"] <= 0.001, issue=13)
    ctx.report.section("UDP ingest", [
        f"Python senders on 127.0.0.1 pacing themselves by the clock (one per {SENDER_RATE // 1000}k/s asked, a "
        f"connected socket each), {ctx.udp_seconds} s per row, a fresh server and "
        "database per row. Read, stored and dropped (by cause) come from the server's `/api/v1/stats`; kernel loss = "
        "sent − read; not stored = sent − stored (kernel loss, drops by alertgate, anything else).", "",
        *lib.table(["format", "bytes", "target/s", "sent/s achieved", "sent", "read", "stored", "dropped by alertgate (cause)",
                    "kernel loss", "dropped by alertgate", "not stored", "peak RSS MiB"],
                   [[r["kind"], f"{r['size']:.0f}", lib.num(r["rate"]), lib.num(r["achieved"]), lib.num(r["sent"]),
                     lib.num(r["read"]), lib.num(r["stored"]),
                     ", ".join(f"{k} {v}" for k, v in sorted(r["dropped"].items()) if v) or "0",
                     f"{r['kernel_loss']:.3%}", f"{r['server_loss']:.3%}", f"{r['loss']:.3%}", lib.mib(r["rss"])]
                    for r in rows])])
