"""UDP ingestion with real clients: util-linux `logger` (RFC 5424 and RFC 3164), graypy's
GELFUDPHandler (zlib, and chunked messages larger than one datagram), and JSON datagrams.
Garbage, floods of partial chunks and oversized datagrams leave the process up, counted,
with its memory bounded.
"""

import json
import logging
import os
import random
import socket
import subprocess

import graypy

from support import eventually, find_binary


def udp_stats(alertgate):
    return alertgate.get_json("/api/v1/stats").get("udp", {})


def wait_for_listeners(alertgate):
    eventually(lambda: set(udp_stats(alertgate)) >= {"syslog", "gelf", "json"}, 15, "the three UDP listeners to be bound")


def send(port, datagrams):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for datagram in datagrams:
            s.sendto(datagram, ("127.0.0.1", port))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def signals_of_service(alertgate, service):
    incidents = alertgate.incidents(service=service)
    return [s for i in incidents for s in alertgate.get_json(f"/api/v1/incidents/{i['id']}/signals")["signals"]]


def test_logger_rfc5424_and_rfc3164_messages_become_log_signals(alertgate):
    wait_for_listeners(alertgate)
    logger = find_binary("logger")
    port = str(alertgate.udp_ports["syslog"])
    for n, args in enumerate([
        ["--rfc5424", "--sd-id", "deploy@32473", "--sd-param", 'version="1.4.2"'],
        ["--rfc5424"],
        ["--rfc3164"],
    ]):
        subprocess.run([logger, "-n", "127.0.0.1", "-P", port, "-d", *args, "-t", "billing", "-p", "daemon.err",
                        f"invoice job failed after {1000 + n} ms for customer {n}"], check=True, timeout=10)
    # Below logs.max_level (warning): counted and dropped.
    subprocess.run([logger, "-n", "127.0.0.1", "-P", port, "-d", "--rfc5424", "-t", "billing", "-p", "daemon.info",
                    "nightly run started"], check=True, timeout=10)

    eventually(lambda: udp_stats(alertgate)["syslog"]["stored"] == 3, 15, "three stored syslog signals")
    stats = udp_stats(alertgate)["syslog"]
    assert stats["received"] == 4, stats
    assert stats["dropped"].get("level") == 1, stats

    # The numbers differ; the masked message is one fingerprint, so one alert repeated: the
    # first line is its signal, the two after it fold into its count and history.
    signals = signals_of_service(alertgate, "billing")
    assert len(signals) == 1, signals
    assert signals[0]["kind"] == "log" and signals[0]["source"] == "syslog", signals
    raw = alertgate.get(f"/api/v1/signals/{signals[0]['id']}/raw")
    assert raw.status == 200
    assert b"invoice job failed after 1000 ms" in raw.body
    alert = alertgate.get_json(f"/api/v1/alerts/{signals[0]['alert_id']}")
    assert alert["count"] == 3, alert
    runs = [h for h in alert["history"] if h["type"] == "repeats"]
    assert sum(r["count"] for r in runs) == 2, alert["history"]
    # Every line's bytes are kept: the run's last one is the third line.
    last = alertgate.get(f"/api/v1/payloads/{runs[0]['last_payload_id']}/raw")
    assert last.status == 200 and b"invoice job failed after 1002 ms" in last.body, last


def test_graypy_udp_zlib_and_chunked_messages(alertgate):
    wait_for_listeners(alertgate)
    handler = graypy.GELFUDPHandler("127.0.0.1", alertgate.udp_ports["gelf"], localname="inventory-1")
    log = logging.getLogger("e2e.inventory")
    log.propagate = False
    log.addHandler(handler)
    try:
        log.error("Stock sync failed for warehouse 7", extra={"service": "inventory"})
        # graypy sends a record's traceback as full_message: one larger than a datagram even
        # compressed, so graypy chunks it at 1420 bytes.
        rng = random.Random(7)
        big = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(20000))
        class FullMessage(logging.Filter):
            def filter(self, record):
                record.exc_text = "stock dump " + big
                return True
        handler.addFilter(FullMessage())
        log.error("Stock sync dump failed for warehouse 8", extra={"service": "inventory"})
    finally:
        log.removeHandler(handler)
        handler.close()
    eventually(lambda: udp_stats(alertgate)["gelf"]["stored"] == 2, 15, "two stored GELF signals")
    stats = udp_stats(alertgate)["gelf"]
    assert stats["received"] > 2, stats  # the chunks
    signals = signals_of_service(alertgate, "inventory")
    assert len(signals) == 2
    assert {s["source"] for s in signals} == {"gelf"}
    chunked = [s for s in signals if "warehouse 8" in s["title"]][0]
    detail = alertgate.get_json(f"/api/v1/signals/{chunked['id']}")
    assert big in detail["signal"]["description"]


def test_json_datagrams_dedup_and_correlate(alertgate):
    wait_for_listeners(alertgate)
    event = {"title": "Replica lag above 30s", "service": "orders-db", "severity": "critical"}
    other = {"title": "Orders API 5xx", "service": "orders-db"}
    send(alertgate.udp_ports["json"], [json.dumps(event).encode(), json.dumps(event).encode(), json.dumps(other).encode()])
    eventually(lambda: udp_stats(alertgate)["json"]["stored"] == 3, 15, "three stored JSON datagrams")
    incidents = alertgate.incidents(service="orders-db")
    assert len(incidents) == 1
    assert incidents[0]["alert_count"] == 2
    assert incidents[0]["signal_count"] == 3


def test_garbage_floods_and_oversized_datagrams_leave_the_process_up_and_bounded(alertgate):
    wait_for_listeners(alertgate)
    rng = random.Random(11)
    before = rss_kib(alertgate.process.pid)
    # Garbage on every port.
    for name in ("syslog", "gelf", "json"):
        send(alertgate.udp_ports[name], [bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 1500))) for _ in range(300)])
    # A flood of partial GELF chunks with random ids: each message announces 128 chunks, sends one.
    flood = [b"\x1e\x0f" + os.urandom(8) + bytes([0, 128]) + os.urandom(1000) for _ in range(20000)]
    send(alertgate.udp_ports["gelf"], flood)
    # Oversized: the largest datagram UDP carries on loopback.
    send(alertgate.udp_ports["syslog"], [b"<11>1 - host app - - - " + b"x" * 65000])

    def settled():
        stats = udp_stats(alertgate)
        # The kernel may drop part of a burst this fast before alertgate reads it.
        return stats["gelf"]["received"] >= 2000 and alertgate.get("/healthz").status == 200
    eventually(settled, 30, "the flood to be read", diagnostics=lambda: str(udp_stats(alertgate)))
    stats = udp_stats(alertgate)
    assert sum(stats["json"]["dropped"].values()) >= 1, stats
    assert stats["gelf"]["dropped"].get("invalid", 0) + stats["gelf"]["dropped"].get("bad_chunk", 0) >= 1, stats
    after = rss_kib(alertgate.process.pid)
    # 20k partial messages of 1 KB would be 20 MB if all were kept; the assembler keeps at most
    # 1024 messages and 32 MiB. Allow generous slack for allocator behaviour.
    assert after - before < 200 * 1024, (before, after)
    # Still working after all that.
    send(alertgate.udp_ports["json"], [json.dumps({"title": "after the flood", "service": "flood-check"}).encode()])
    eventually(lambda: alertgate.incidents(service="flood-check"), 15, "a signal after the flood")
