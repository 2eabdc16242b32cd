"""Hostile input against the real binary with its default limits (no config): compression bombs,
deep nesting, 50k labels, 4 million empty OTLP attributes in one body, invalid UTF-8, 2,000
half-sent requests, a flood of first GELF chunks, a flood of large legal bodies.

For each attack the process stays up, its peak resident size (VmHWM) stays within 64 MiB of
its idle size (VmRSS after a few normal requests), a normal request sent during or after the
attack is served, and each limit the attack hits is a 4xx naming it, counted in
`alertgate_limits_hit_total{limit}` in /metrics. Each case prints `peak growth X MiB`.
"""

import gzip
import json
import os
import resource
import selectors
import socket
import threading
import time
import zlib

import pytest

from hostile import (MIB, NORMAL_EVENT, Memory, NormalTraffic, error_of, export_trace_request,
                     metric, metrics, named_limit, raw_request, span_with_empty_attributes)
from support import eventually

MEMORY_BOUND_MIB = 64
HALF_SENT = 2000


@pytest.fixture(scope="module", autouse=True)
def open_files():
    """Raises this process's open-file limit to its hard limit before any server starts (each
    inherits it): 2,000 connections need 2,000 descriptors on each side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    assert hard >= HALF_SENT + 500, f"RLIMIT_NOFILE hard limit {hard} is too low for {HALF_SENT} connections"
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
def gateway(alertgate):
    """The `alertgate` fixture (UDP listeners on), warmed up with a few normal requests, with
    its idle size taken and its peak reset: gateway.memory."""
    for _ in range(5):
        result = alertgate.post("/api/v1/events", NORMAL_EVENT)
        assert result.status == 202, f"warm-up: {result}"
    assert alertgate.get("/metrics").status == 200
    assert alertgate.get("/api/v1/stats").status == 200
    time.sleep(0.5)
    alertgate.memory = Memory(alertgate.process.pid)
    alertgate.memory.reset()
    return alertgate


def post(gateway, path, body, headers=None):
    return raw_request(gateway.host, gateway.port, "POST", path, body, headers)


def report(capsys, gateway, attack, detail=""):
    """Prints the attack's figure and asserts the memory bound and that the process is up."""
    growth = gateway.memory.growth_mib()
    with capsys.disabled():
        print(f"\n{attack}: peak growth {growth:.1f} MiB (idle {gateway.memory.idle_kib / 1024:.1f} MiB){detail}")
    assert gateway.child.alive(), f"{attack}: alertgate exited with {gateway.process.returncode}:\n{gateway.stderr_tail()}"
    assert gateway.get("/healthz").status == 200, f"{attack}: /healthz"
    result = gateway.post("/api/v1/events", NORMAL_EVENT)
    assert result.status == 202, f"{attack}: a normal request after the attack: {result}"
    assert growth <= MEMORY_BOUND_MIB, \
        f"{attack}: the process grew {growth:.1f} MiB over its idle size (bound {MEMORY_BOUND_MIB} MiB){detail}"


def assert_limit(result, status, codes, limit=None):
    """`result` is `status` with an error code among `codes`, naming a limit (`limit`, or the
    config key its message names); returns that limit."""
    error = error_of(result)
    assert result.status == status and error.get("code") in codes, f"expected {status} {codes}, got {result}"
    named = named_limit(result)
    if limit is None:
        assert named, f"the answer names no limit: {result}"
        return named
    if named:
        assert named == limit, f"expected the limit {limit}: {result}"
    return limit


def assert_counted(gateway, limits):
    values = metrics(gateway)
    for limit in sorted(set(limits)):
        assert metric(values, "alertgate_limits_hit_total", limit=limit) >= 1, \
            f"alertgate_limits_hit_total{{limit=\"{limit}\"}} missing or 0: " \
            f"{ {dict(k[1])['limit']: v for k, v in values.items() if k[0] == 'alertgate_limits_hit_total'} }"


# --- 1. compression bombs ---------------------------------------------------------------------

ZEROS = 100_000_000  # 100 MB of zeros: ~100 KB compressed


def bombs():
    """{name: (path, headers, body)}: 100 MB of zeros gzip and zlib/raw deflate compressed to
    /api/v1/events with Content-Encoding, and to /gelf (which takes compressed bodies without
    the header too)."""
    data = b"\0" * ZEROS
    gz = gzip.compress(data, 9)
    zl = zlib.compress(data, 9)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflater.compress(data) + deflater.flush()
    json_type = {"Content-Type": "application/json"}
    return {
        "events-gzip": ("/api/v1/events", {**json_type, "Content-Encoding": "gzip"}, gz),
        "events-deflate-zlib": ("/api/v1/events", {**json_type, "Content-Encoding": "deflate"}, zl),
        "events-deflate-raw": ("/api/v1/events", {**json_type, "Content-Encoding": "deflate"}, raw),
        "gelf-gzip": ("/gelf", {"Content-Encoding": "gzip"}, gz),
        "gelf-deflate": ("/gelf", {"Content-Encoding": "deflate"}, zl),
        "gelf-gzip-no-header": ("/gelf", {}, gz),
        "gelf-zlib-no-header": ("/gelf", {}, zl),
    }


BOMBS = None


def bomb(name):
    global BOMBS
    if BOMBS is None:
        BOMBS = bombs()
    return BOMBS[name]


@pytest.mark.parametrize("name", ["events-gzip", "events-deflate-zlib", "events-deflate-raw",
                                  "gelf-gzip", "gelf-deflate", "gelf-gzip-no-header",
                                  "gelf-zlib-no-header"])
def test_compression_bomb(gateway, capsys, name):
    path, headers, body = bomb(name)
    with NormalTraffic(gateway) as normal:
        result = post(gateway, path, body, headers)
    limit = assert_limit(result, 413, {"body_too_large", "compression_ratio_too_high"})
    assert_counted(gateway, [limit])
    assert not normal.unexpected(), f"normal requests during the bomb: {normal.summary()}"
    report(capsys, gateway, f"bomb {name} ({len(body)} B -> {ZEROS} B)",
           f"; answer {result.status} {error_of(result).get('code')} ({limit})")


def test_small_bomb_is_refused_by_its_compression_ratio(gateway, capsys):
    # 1 MB of zeros: ~1 KB compressed, so within the body limit once inflated but 1000 times its size.
    body = gzip.compress(b"\0" * 1_000_000, 9)
    result = post(gateway, "/api/v1/events", body, {"Content-Type": "application/json", "Content-Encoding": "gzip"})
    limit = assert_limit(result, 413, {"compression_ratio_too_high"}, "http.max_compression_ratio")
    assert_counted(gateway, [limit])
    report(capsys, gateway, f"bomb ratio ({len(body)} B -> 1000000 B)", f"; answer {result.status} {error_of(result)['code']}")


def test_parallel_compression_bombs(gateway, capsys):
    names = ["events-gzip", "events-deflate-zlib", "gelf-gzip-no-header", "gelf-zlib-no-header"]
    requests_ = [bomb(names[i % len(names)]) for i in range(16 * 4)]
    results = []
    lock = threading.Lock()

    def attacker(mine):
        for path, headers, body in mine:
            result = post(gateway, path, body, headers)
            with lock:
                results.append(result)

    with NormalTraffic(gateway, interval=0.1) as normal:
        threads = [threading.Thread(target=attacker, args=(requests_[i::16],)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        flood_end = time.monotonic()
    answers = {}
    for result in results:
        key = f"{result.status} {error_of(result).get('code')}"
        answers[key] = answers.get(key, 0) + 1
    detail = f"; answers {answers}; normal requests {normal.summary()}"
    limits = set()
    for result in results:
        if result.status == 503:
            assert error_of(result).get("code") == "busy" and result.headers.get("Retry-After"), f"{result} {result.headers}"
            limits.add(assert_limit(result, 503, {"busy"}))
        else:
            limits.add(assert_limit(result, 413, {"body_too_large", "compression_ratio_too_high"}))
    assert any(r.status == 413 for r in results), detail
    assert_counted(gateway, limits)
    assert not normal.unexpected(allow_busy=True), detail
    assert normal.served_before(flood_end), f"no normal request served during the bombs{detail}"
    report(capsys, gateway, "bombs 16 threads x 4", detail)


# --- 2. deep nesting --------------------------------------------------------------------------

DEPTH = 100_000
NESTING = {
    "events-arrays": ("/api/v1/events", b"[" * DEPTH + b"]" * DEPTH),
    "events-objects": ("/api/v1/events", b'{"a":' * DEPTH + b"1" + b"}" * DEPTH),
    "events-label-value": ("/api/v1/events", b'[{"title":"t","labels":{"a":' + b"[" * DEPTH + b"]" * DEPTH + b"}}]"),
    "alertmanager-arrays": ("/api/v2/alerts", b"[" * DEPTH + b"]" * DEPTH),
    "alertmanager-objects": ("/api/v2/alerts", b'[{"labels":{"alertname":"a"},"annotations":' + b'{"a":' * DEPTH + b"1"
                             + b"}" * DEPTH + b"}]"),
    "otlp-json-objects": ("/v1/traces", b'{"resourceSpans":' + b'{"a":' * DEPTH + b"1" + b"}" * DEPTH + b"}"),
}


@pytest.mark.parametrize("name", list(NESTING))
def test_deep_nesting(gateway, capsys, name):
    path, body = NESTING[name]
    with NormalTraffic(gateway) as normal:
        result = post(gateway, path, body, {"Content-Type": "application/json"})
    limit = assert_limit(result, 400, {"too_deep"}, "json_depth")
    assert_counted(gateway, [limit])
    assert not normal.unexpected(), f"normal requests during the attack: {normal.summary()}"
    report(capsys, gateway, f"nesting {name} ({DEPTH} deep)", f"; answer {result.status} {error_of(result)['code']}")


# --- 3. 50k labels ----------------------------------------------------------------------------

LABELS = 50_000


def labels(short):
    return {(f"l{n}" if short else f"label_name_{n:06d}_of_a_hostile_alert"): ("v" if short else f"value {n}")
            for n in range(LABELS)}


@pytest.mark.parametrize("path,short", [("/api/v2/alerts", True), ("/api/v2/alerts", False),
                                        ("/api/v1/events", True), ("/api/v1/events", False)],
                         ids=["alertmanager-short", "alertmanager-long", "events-short", "events-long"])
def test_50k_labels(gateway, capsys, path, short):
    if path == "/api/v2/alerts":
        body = json.dumps([{"labels": {"alertname": "Hostile", **labels(short)}, "annotations": {}}]).encode()
    else:
        body = json.dumps([{"title": "Hostile", "service": "svc", "labels": labels(short)}]).encode()
    with NormalTraffic(gateway) as normal:
        result = post(gateway, path, body, {"Content-Type": "application/json"})
    if len(body) > MIB:
        limit = assert_limit(result, 413, {"body_too_large"}, "http.max_body_bytes")
    else:
        limit = assert_limit(result, 400, {"too_many_entries"}, "map_entries")
        assert error_of(result).get("field"), f"the answer names no field: {result}"
    assert_counted(gateway, [limit])
    assert not normal.unexpected(), f"normal requests during the attack: {normal.summary()}"
    report(capsys, gateway, f"50k labels {path} ({len(body)} B)",
           f"; answer {result.status} {error_of(result)['code']} field {error_of(result).get('field')}")


# --- 4. OTLP ----------------------------------------------------------------------------------

OTLP_BODY_LIMIT = 8 * MIB


def otlp_body(name):
    if name == "4M-attributes-one-span":
        return export_trace_request(span_with_empty_attributes(4_000_000))
    if name == "62500-spans-x-64-attributes":
        return export_trace_request(span_with_empty_attributes(64) * 62_500)
    if name == "4M-empty-spans":
        return export_trace_request(b"\x12\x00" * 4_000_000)
    raise ValueError(name)


@pytest.mark.parametrize("name", ["4M-attributes-one-span", "62500-spans-x-64-attributes", "4M-empty-spans"])
def test_otlp_4_million_empty_items(gateway, capsys, name):
    body = otlp_body(name)
    assert len(body) <= OTLP_BODY_LIMIT, len(body)
    with NormalTraffic(gateway) as normal:
        result = post(gateway, "/v1/traces", body, {"Content-Type": "application/x-protobuf"})
    # OTLP/HTTP answers in the request's encoding: a google.rpc.Status, INVALID_ARGUMENT (3).
    error = error_of(result)
    assert result.status == 400 and error.get("grpc_code") == 3, f"expected 400 INVALID_ARGUMENT, got {result}"
    limit = named_limit(result)
    assert limit in ("otlp.max_attributes_per_span", "otlp.max_attributes", "otlp.max_spans"), f"no OTLP limit named: {result}"
    assert_counted(gateway, [limit])
    assert not normal.unexpected(), f"normal requests during the attack: {normal.summary()}"
    report(capsys, gateway, f"otlp {name} ({len(body)} B)", f"; answer {result.status} ({limit})")


def test_otlp_attributes_gzip_bomb(gateway, capsys):
    raw = otlp_body("4M-attributes-one-span")
    body = gzip.compress(raw, 9)
    result = post(gateway, "/v1/traces", body, {"Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"})
    limit = named_limit(result)
    assert result.status == 413 and limit in ("http.max_compression_ratio", "otlp.max_body_bytes"), result
    assert_counted(gateway, [limit])
    report(capsys, gateway, f"otlp 4M attributes gzip ({len(body)} B -> {len(raw)} B)", f"; answer {result.status} ({limit})")


# --- 5. invalid UTF-8 -------------------------------------------------------------------------

INVALID_UTF8 = {
    "events-title-ff": ("/api/v1/events", b'[{"title":"disk \xff\xfe full","service":"svc"}]'),
    "events-truncated-sequence": ("/api/v1/events", b'[{"title":"caf\xc3","service":"svc"}]'),
    "events-overlong-slash": ("/api/v1/events", b'[{"title":"a\xc0\xafb","service":"svc"}]'),
    "events-surrogate": ("/api/v1/events", b'[{"title":"a\xed\xa0\x80b","service":"svc"}]'),
    "events-label-name": ("/api/v1/events", b'[{"title":"t","service":"svc","labels":{"k\x80":"v"}}]'),
    "alertmanager-label-value": ("/api/v2/alerts", b'[{"labels":{"alertname":"A","pod":"web-\xc3\x28"},"annotations":{}}]'),
    "alertmanager-annotation": ("/api/v2/alerts", b'[{"labels":{"alertname":"A"},"annotations":{"summary":"\xf8\x88\x80\x80\x80"}}]'),
}


@pytest.mark.parametrize("name", list(INVALID_UTF8))
def test_invalid_utf8(gateway, capsys, name):
    path, body = INVALID_UTF8[name]
    before = metric(metrics(gateway), "alertgate_rejected_total")
    result = post(gateway, path, body, {"Content-Type": "application/json"})
    assert result.status == 400, f"{name}: {result}"
    assert error_of(result).get("code") == "invalid_utf8", f"{name}: {result}"
    assert metric(metrics(gateway), "alertgate_rejected_total") > before, "the rejection is not counted"
    report(capsys, gateway, f"invalid utf-8 {name}", f"; answer {result.status} {error_of(result)['code']}")


# --- 6. 2,000 half-sent requests --------------------------------------------------------------

PARTIAL_HEAD = b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Len"


def open_half_sent(gateway, count):
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection((gateway.host, gateway.port), timeout=10)
            sock.sendall(PARTIAL_HEAD)
            sockets.append(sock)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def test_2000_half_sent_requests(gateway, capsys):
    sockets = []
    try:
        with NormalTraffic(gateway) as normal:
            started = time.monotonic()
            sockets = open_half_sent(gateway, HALF_SENT)
            opened = time.monotonic() - started
            time.sleep(3)
            flood_end = time.monotonic()
        # Still open on the server's side: nothing was answered or closed yet.
        selector = selectors.DefaultSelector()
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        closed_early = len(selector.select(timeout=0))
        selector.close()
        detail = f"; {HALF_SENT} opened in {opened:.1f} s, {closed_early} answered or closed; normal requests {normal.summary()}"
        assert not normal.unexpected(), detail
        assert normal.served_before(flood_end), f"no normal request served while {HALF_SENT} were half-sent{detail}"
        report(capsys, gateway, f"{HALF_SENT} half-sent requests", detail)
    finally:
        for sock in sockets:
            sock.close()


def test_half_sent_requests_are_closed_after_the_header_timeout(start_alertgate, capsys):
    gateway = start_alertgate("http:\n  header_timeout: 2s\n")
    sockets = open_half_sent(gateway, HALF_SENT)
    opened = time.monotonic()
    try:
        selector = selectors.DefaultSelector()
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        closed = set()
        deadline = opened + 15
        while len(closed) < len(sockets) and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                sock = key.fileobj
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:  # closed (anything answered is read on and ends in a close too)
                    closed.add(sock)
                    selector.unregister(sock)
        selector.close()
        elapsed = time.monotonic() - opened
        with capsys.disabled():
            print(f"\nheader_timeout 2s: {len(closed)} of {HALF_SENT} half-sent connections closed within {elapsed:.1f} s")
        assert len(closed) == len(sockets), f"{len(sockets) - len(closed)} half-sent connections still open after {elapsed:.1f} s"
        assert gateway.post("/api/v1/events", NORMAL_EVENT).status == 202
    finally:
        for sock in sockets:
            sock.close()


# --- 7. a flood of first GELF chunks -----------------------------------------------------------

GELF_FLOOD = 50_000


def test_flood_of_first_gelf_chunks(gateway, capsys):
    port = gateway.udp_ports["gelf"]
    eventually(lambda: "gelf" in gateway.get_json("/api/v1/stats").get("udp", {}), 15, "the GELF listener to be bound")
    payload = os.urandom(8192)
    sent = 0
    started = time.monotonic()
    with NormalTraffic(gateway) as normal:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for n in range(GELF_FLOOD):
                # magic, an 8-byte message id, sequence 0 of 128
                datagram = b"\x1e\x0f" + n.to_bytes(8, "big") + b"\x00\x80" + payload
                try:
                    sock.sendto(datagram, ("127.0.0.1", port))
                    sent += 1
                except BlockingIOError:
                    pass
        flood_end = time.monotonic()
        time.sleep(0.5)
    flood_seconds = flood_end - started

    # A normal GELF message after the flood is stored.
    message = json.dumps({"version": "1.1", "host": "web-1", "short_message": "Disk full on /var after the flood",
                          "level": 3, "_service": "gelf-flood-check"}).encode()

    def stored():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(message, ("127.0.0.1", port))
        return gateway.incidents(service="gelf-flood-check")

    eventually(stored, 20, "a normal GELF datagram after the flood to be stored", interval=1,
               diagnostics=lambda: json.dumps(gateway.get_json("/api/v1/stats").get("udp", {})))

    def evicted():
        values = metrics(gateway)
        return metric(values, "alertgate_udp_dropped_total", listener="gelf", cause="incomplete_chunks")

    eventually(evicted, 20, "alertgate_udp_dropped_total{listener=\"gelf\",cause=\"incomplete_chunks\"} above 0",
               diagnostics=lambda: json.dumps(gateway.get_json("/api/v1/stats").get("udp", {})))
    stats = gateway.get_json("/api/v1/stats")["udp"]["gelf"]
    detail = (f"; {sent} datagrams of {len(payload) + 12} B in {flood_seconds:.1f} s, received {stats['received']}, "
              f"dropped {stats['dropped']}; normal requests {normal.summary()}")
    assert not normal.unexpected(), detail
    assert normal.served_before(flood_end + 0.5), f"no normal request served during the GELF flood{detail}"
    report(capsys, gateway, f"gelf first-chunk flood x {GELF_FLOOD}", detail)


# --- 8. a flood of large legal bodies -----------------------------------------------------------

FLOOD_THREADS = 64
FLOOD_SECONDS = 8


def large_batch(thread):
    """About 900 KB of JSON: 15 events with 60 KB descriptions (the field takes up to 64 KiB)."""
    text = ("Checkout latency above 2s on every pod of the payments deployment; " * 1000)[:60_000]
    return json.dumps([{"title": f"Large batch {thread}", "service": "svc", "description": f"{n} {text}"}
                       for n in range(15)]).encode()


def test_flood_of_large_legal_bodies(gateway, capsys):
    bodies = [large_batch(n) for n in range(FLOOD_THREADS)]
    assert all(800_000 < len(b) < MIB for b in bodies), [len(b) for b in bodies[:1]]
    answers = []
    lock = threading.Lock()
    stop_at = time.monotonic() + FLOOD_SECONDS

    def flooder(body):
        while time.monotonic() < stop_at:
            sent = time.monotonic()
            result = post(gateway, "/api/v1/events", body, {"Content-Type": "application/json"})
            result.seconds = time.monotonic() - sent
            with lock:
                answers.append(result)
            if result.status == 503:
                time.sleep(0.05)

    with NormalTraffic(gateway, interval=0.2) as normal:
        threads = [threading.Thread(target=flooder, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        flood_end = time.monotonic()
    counts = {}
    for result in answers:
        key = f"{result.status} {error_of(result).get('code') or ''}".strip()
        counts[key] = counts.get(key, 0) + 1
    slowest = max((r.seconds for r in answers), default=0)
    detail = (f"; {len(bodies[0])} B bodies: answers {counts}, the slowest in {slowest:.1f} s; "
              f"normal requests {normal.summary()}")
    bad = [r for r in answers if r.status not in (202, 503)]
    assert not bad, f"answers other than 202 and 503: {bad[:5]}{detail}"
    busy = [r for r in answers if r.status == 503]
    for result in busy:
        assert error_of(result).get("code") == "busy" and result.headers.get("Retry-After"), f"{result} {result.headers}"
    assert any(r.status == 202 for r in answers), detail
    if busy:
        assert_counted(gateway, {named_limit(r) for r in busy})
    assert not normal.unexpected(allow_busy=True), detail
    assert normal.served_before(flood_end), f"no normal request served during the flood{detail}"
    report(capsys, gateway, f"{FLOOD_THREADS} threads of large bodies for {FLOOD_SECONDS} s", detail)
