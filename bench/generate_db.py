#!/usr/bin/env python3
"""Fills an alertgate database with signals by POSTing to the real server: `/api/v1/events` in
batches of 1000, from a few keep-alive connections.

The signals spread over the last DAYS days: services svc-00000, svc-00001, ... each get
SIGNALS_PER_SERVICE signals 3 s apart at their own point in that span, cycling over 4 alerts
(titles), so each service makes one incident of 4 alerts. Each signal's description carries its
own sample number, so no signal is an unchanged repeat and every one is stored as a row (repeats
that change nothing fold into their alert's count: bench/resend.py measures those). 8 services in 10 end with a resolved
signal for each alert (their incidents resolve); the others stay open. Severities vary by service.

The server must accept signal times that old: run it with the config of `server_config(days)`
(max_clock_skew beyond DAYS, and a resolve_timeout long enough that the open incidents stay open).

    python3 bench/generate_db.py --url http://127.0.0.1:9480 --signals 1000000
"""
import argparse, datetime, json, re, sys, threading, time

import lib

BATCH = 1000  # events per POST: about 350 KB, a third of http.max_body_bytes
CONNECTIONS = 3
SIGNALS_PER_SERVICE = 100
ALERTS_PER_SERVICE = 4
TITLES = ["Error rate above 2%", "p99 latency above 800 ms", "Pods restarting", "Queue backlog growing"]
SEVERITIES = ["critical", "error", "error", "error", "warning", "warning", "warning", "warning", "warning", "info"]
REGIONS = ["eu-west-1", "us-east-1", "ap-south-1"]
_AT = "@occurred_at@"  # the stand-in for a signal's time in an event's JSON text
_SAMPLE = "@sample@"  # the stand-in for its sample number, in its description


def server_config(days):
    """The YAML config the server needs for this generator (queries.py describes it in its report)."""
    return f"correlation:\n  max_clock_skew: {days + 2}d\n  resolve_timeout: 3650d\n"


def service_events(index, services, days, now):
    """The SIGNALS_PER_SERVICE events of service `index`, oldest first, as JSON texts. Each of the
    service's ALERTS_PER_SERVICE events is encoded once with a stand-in for its time, which each
    signal then fills in: a json.dumps per signal cost this generator about as much CPU as the
    server's own ingest, on the same cores."""
    span = days * 86400
    start = now - span + index * span / services
    service, severity = f"svc-{index:05d}", SEVERITIES[index % len(SEVERITIES)]
    resolves = index % 10 < 8
    first = datetime.datetime.fromtimestamp(start, datetime.timezone.utc)
    first_second, millis = int(first.replace(microsecond=0).timestamp()), f".{first.microsecond // 1000:03d}Z"
    templates = []
    for alert in range(ALERTS_PER_SERVICE):
        event = {
            "service": service, "title": TITLES[alert], "severity": severity,
            "labels": {"env": "prod", "region": REGIONS[index % 3], "team": f"team-{index % 40:02d}",
                       "instance": f"10.{index // 250 % 250}.{index % 250}.{alert}:9100"},
            "description": f"{TITLES[alert]} on {service} in {REGIONS[index % 3]}: check the dashboard and the recent deploys (sample {_SAMPLE}).",
            "occurred_at": _AT, "source": "bench/generate_db.py"}
        head, tail = json.dumps(event, separators=(",", ":")).split(json.dumps(_AT))
        templates.append((head, tail, tail[:-1] + ',"status":"resolved"}'))
    events = []
    for j in range(SIGNALS_PER_SERVICE):
        head, tail, resolved_tail = templates[j % ALERTS_PER_SERVICE]
        at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(first_second + 3 * j)) + millis  # 3 s apart: same millis
        resolved = resolves and j >= SIGNALS_PER_SERVICE - ALERTS_PER_SERVICE
        text = f'{head}"{at}"{resolved_tail if resolved else tail}'
        events.append(text.replace(_SAMPLE, str(j), 1))
    return events


def bodies(services, days, now, batch=BATCH):
    """POST bodies of `batch` events (whole services), services in time order."""
    per_body = max(1, batch // SIGNALS_PER_SERVICE)
    for first in range(0, services, per_body):
        events = [e for i in range(first, min(first + per_body, services)) for e in service_events(i, services, days, now)]
        yield len(events), ("[" + ",".join(events) + "]").encode()


def post_all(base, work, path, headers, check, connections, failure, total=0, progress=None):
    """POSTs every body of `work`, an iterator of (items, body) pairs, to `path` from `connections`
    keep-alive connections: a thread per connection takes the next body under a lock. `check(status,
    answer, items)` says whether an answer is right; the first wrong answer (or exception) stops
    every thread and raises lib.BenchFailure(`failure` + what went wrong). `progress(done)`, if
    given, is called with the items done each time they pass another tenth of `total`. Returns
    (items, posts) done."""
    lock, done, posts, errors = threading.Lock(), [0], [0], []

    def worker():
        client = lib.KeepAliveClient(base, timeout=300)
        try:
            while not errors:
                with lock:
                    item = next(work, None)
                if item is None:
                    return
                items, body = item
                status, answer, _ = client.request("POST", path, body, headers)
                if not check(status, answer, items):
                    errors.append(f"POST {path} answered {status}: {answer[:300]!r}")
                    return
                with lock:
                    before, done[0] = done[0], done[0] + items
                    posts[0] += 1
                    if progress and total and before * 10 // total != done[0] * 10 // total:
                        progress(done[0])
        except Exception as error:  # noqa: BLE001 — reported and raised below, in the caller's thread
            errors.append(repr(error))
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise lib.BenchFailure(failure + errors[0])
    return done[0], posts[0]


def all_accepted(status, answer, count):
    """A POST /api/v1/events answer that took every event: 202 with `accepted` equal to `count`."""
    accepted = re.search(rb'"accepted"\s*:\s*(\d+)', answer)
    return status == 202 and accepted is not None and int(accepted.group(1)) == count


def generate(base, signals, days=30, connections=CONNECTIONS, batch=BATCH):
    """POSTs `signals` signals (rounded to whole services) in bodies of `batch` events from
    `connections` keep-alive connections; returns a summary dict. Raises on any answer that is not
    202 with every event accepted."""
    services = max(1, signals // SIGNALS_PER_SERVICE)
    work = bodies(services, days, time.time(), batch)
    total = services * SIGNALS_PER_SERVICE
    started = time.monotonic()
    done, posts = post_all(base, work, "/api/v1/events", {"Content-Type": "application/json"}, all_accepted, connections,
                           "the generator failed: ", total, lambda done: lib.log(f"generated {done:,} of {total:,} signals"))
    seconds = time.monotonic() - started
    return {"services": services, "signals": done, "seconds": seconds, "signals_per_s": done / seconds,
            "posts": posts, "connections": connections, "batch": batch}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the alertgate server, started with server_config's settings")
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--batch", type=int, default=BATCH, help="events per POST (whole services of 100)")
    args = parser.parse_args()
    summary = generate(args.url.rstrip("/"), args.signals, args.days, args.connections, args.batch)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    sys.exit(main())
