"""Helpers for e2e/test_hostile.py: a process's memory from /proc, a raw HTTP/1.1 client that
keeps reading the answer while its body is still being sent, /metrics as numbers, hand-built
OTLP protobuf bodies, and normal requests sent alongside an attack.
"""

import json
import re
import socket
import threading
import time

from support import HTTPResult, request

MIB = 1024 * 1024
NORMAL_EVENT = [{"title": "Checkout latency above 2s", "service": "svc"}]


# --- memory -----------------------------------------------------------------------------------

def proc_status_kib(pid):
    """{"VmRSS": KiB, "VmHWM": KiB} of a process from /proc/PID/status."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def reset_peak(pid):
    """Resets a process's VmHWM to its VmRSS: 5 written to /proc/PID/clear_refs (Linux 4.0 and later)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


_peak_resets = None


def peak_resets():
    """Whether resetting VmHWM works here: tried once on this process, which touches 64 MiB,
    frees them and resets its own peak."""
    global _peak_resets
    if _peak_resets is None:
        block = [b"\1" * (64 * MIB)]
        high = proc_status_kib("self")["VmHWM"]
        block.clear()
        try:
            reset_peak("self")
            _peak_resets = proc_status_kib("self")["VmHWM"] < high - 32 * 1024
        except OSError:
            _peak_resets = False
    return _peak_resets


class Memory:
    """The idle resident size of a process and its peak since then.

    `reset()` takes the idle size (VmRSS) and, where the kernel allows it (`peak_resets`),
    resets the peak (VmHWM) to it; `growth_mib()` is the peak since then over the idle size.
    Where the peak cannot be reset it is the peak since the process started, which can only
    overstate the growth.
    """

    def __init__(self, pid):
        self.pid = pid
        self.idle_kib = None

    def reset(self):
        if peak_resets():
            reset_peak(self.pid)
        self.idle_kib = proc_status_kib(self.pid)["VmRSS"]

    def peak_kib(self):
        return proc_status_kib(self.pid)["VmHWM"]

    def growth_mib(self):
        return (self.peak_kib() - self.idle_kib) / 1024


# --- HTTP -------------------------------------------------------------------------------------

def raw_request(host, port, method, path, body=b"", headers=None, timeout=60):
    """One request on its own connection (`Connection: close`), with exactly the headers given
    plus Host, Connection and Content-Length. The body is sent from a second thread while this
    one reads, so an answer the server sends before it has read the whole body (a 413 on the
    Content-Length) is still read. Returns an HTTPResult; status None when no answer came
    (`body` then holds the error)."""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", f"Content-Length: {len(body)}"]
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    sock = socket.create_connection((host, port), timeout=timeout)
    send_error = []

    def send():
        try:
            sock.sendall(data)
        except OSError as error:  # the server answered and closed before reading all of it
            send_error.append(error)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    received = bytearray()
    read_error = None
    try:
        while True:
            parsed = _parse_response(received)
            if parsed:
                return parsed
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    except OSError as error:
        read_error = error
    finally:
        sock.close()
        sender.join(timeout=timeout)
    return _parse_response(received, complete=True) or HTTPResult(
        None, f"no answer: read {read_error!r}, send {send_error!r}, got {bytes(received[:200])!r}".encode(), {})


def _parse_response(data, complete=False):
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(data[:end]).decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().title()] = value.strip()
    body = bytes(data[end + 4:])
    length = headers.get("Content-Length")
    if length is not None and len(body) >= int(length):
        return HTTPResult(status, body[:int(length)], headers)
    return HTTPResult(status, body, headers) if complete else None


def error_of(result):
    """The `error` object of a JSON error answer; for an OTLP protobuf answer (a google.rpc.Status,
    as OTLP/HTTP answers in the request's encoding) {"grpc_code", "message"}; {} for anything else."""
    if "protobuf" in (result.headers.get("Content-Type") or ""):
        return rpc_status(result.body)
    try:
        return json.loads(result.body).get("error") or {}
    except (ValueError, AttributeError):
        return {}


def rpc_status(data):
    """{"grpc_code": code(1), "message": message(2)} of a google.rpc.Status message."""
    status, i = {}, 0
    try:
        while i < len(data):
            tag, i = read_varint(data, i)
            if tag == 0x08:
                status["grpc_code"], i = read_varint(data, i)
            elif tag & 7 == 2:
                length, i = read_varint(data, i)
                if tag >> 3 == 2:
                    status["message"] = data[i:i + length].decode("utf-8", "replace")
                i += length
            else:
                return status
    except IndexError:
        pass
    return status


def read_varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def named_limit(result):
    """The config key an error answer names in parentheses, e.g. "http.max_body_bytes", or None."""
    match = re.search(r"\(((?:http|otlp|udp)\.[a-z_]+)\)", error_of(result).get("message") or "")
    return match.group(1) if match else None


# --- /metrics ---------------------------------------------------------------------------------

METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def metrics(gateway):
    """{(name, frozenset of (label, value))): value} from GET /metrics."""
    result = gateway.get("/metrics")
    assert result.status == 200, f"GET /metrics: {result}"
    values = {}
    for line in result.body.decode().splitlines():
        match = METRIC_LINE.match(line)
        if match:
            labels = frozenset(LABEL.findall(match.group(2) or ""))
            values[(match.group(1), labels)] = float(match.group(3))
    return values


def metric(values, name, **labels):
    """The sum of `name` over the series whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, series), v in values.items() if n == name and wanted <= series)


# --- OTLP protobuf by hand --------------------------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def length_delimited(tag, payload):
    """One LEN field: its tag byte ((field << 3) | 2), the payload's length, the payload."""
    return bytes([tag]) + varint(len(payload)) + payload


def export_trace_request(scope_spans_content):
    """ExportTraceServiceRequest{resource_spans(1): ResourceSpans{scope_spans(2): ScopeSpans{<content>}}}."""
    return length_delimited(0x0A, length_delimited(0x12, scope_spans_content))


def span_with_empty_attributes(count):
    """ScopeSpans.spans(2) holding Span{attributes(9): KeyValue{} x count}: 0x4A 0x00 each."""
    return length_delimited(0x12, b"\x4a\x00" * count)


# --- normal requests alongside an attack -------------------------------------------------------

class NormalTraffic:
    """While active, POSTs NORMAL_EVENT to /api/v1/events every `interval` seconds, one at a time,
    from a thread; keeps (time sent, time answered, status, error code) of each."""

    def __init__(self, gateway, interval=0.25, timeout=30):
        self.gateway = gateway
        self.interval = interval
        self.timeout = timeout
        self.results = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=self.timeout + 5)

    def _run(self):
        while not self._stop.is_set():
            sent = time.monotonic()
            try:
                result = request("POST", self.gateway.url + "/api/v1/events", NORMAL_EVENT, timeout=self.timeout)
                status, code = result.status, error_of(result).get("code")
            except OSError as error:
                status, code = None, repr(error)
            self.results.append((sent, time.monotonic(), status, code))
            self._stop.wait(self.interval)

    def served_before(self, deadline):
        """How many were answered 2xx by `deadline` (time.monotonic())."""
        return sum(1 for _, answered, status, _ in self.results if status and 200 <= status < 300 and answered <= deadline)

    def summary(self):
        counts = {}
        for _, _, status, code in self.results:
            key = f"{status} {code}" if code else str(status)
            counts[key] = counts.get(key, 0) + 1
        slowest = max((answered - sent for sent, answered, _, _ in self.results), default=0)
        return f"{counts}, the slowest in {slowest:.1f} s"

    def unexpected(self, allow_busy=False):
        """Answers that are neither 2xx nor (with allow_busy) 503 busy with Retry-After."""
        bad = []
        for _, _, status, code in self.results:
            if status and 200 <= status < 300:
                continue
            if allow_busy and status == 503 and code == "busy":
                continue
            bad.append((status, code))
        return bad
