"""What this machine allows on /api/v2/alerts, whatever the code: issue 13's HTTP targets set
against two floors measured here, and against a minimal gateway measured whole (the last
paragraph).

- The HTTP layer: `alertgate-ceiling` (reads the body, answers 202) under the same wrk load as
  the `compare` section, one alert per POST. Its CPU per request comes from /proc (the server's
  own, and the rest of the machine's busy time, which is the load generator's).
- Storage: the rows a durable store of alerts cannot do without for one new alert (the alert
  with its labels, the signal that made it, the raw payload that carried it), inserted with
  Python's sqlite3 into the same SQLite (the system library) with alertgate's settings (WAL,
  synchronous NORMAL, a 2 MiB cache), in transactions as large as the load can give one commit.
  Rows are built before the clock starts; Python's share per row (executemany's loop) stays in,
  so the floor is a little lower than measured.

Nothing of decoding JSON, fingerprinting, correlating, compressing, incidents, the timeline or
the transitions is in either floor, so each bound below is higher than anything that stores
alerts can reach here.

alertgate's own work in front of its pipeline is measured the same way as the HTTP layer:
`alertgate-ceiling --decode` decodes each `/api/v2/alerts` body with alertgate's codec,
fingerprints its alerts and compresses the body with alertgate's `PayloadCompressor`, and answers;
it correlates and stores nothing, and leaves out alertgate's middleware and body reader. At one
alert per POST that rate is a little more than alertgate could reach with a pipeline and a store
that cost nothing.

A third measure puts alertgate's own rows for a new alert on the same footing: the three rows and
also its timeline line (with its index by incident) and its transition (with its index by alert,
v16), the index of firing alerts, and each touched incident's row updated once a transaction.
That is not a floor of the machine but of alertgate's schema: what its writer spends in SQLite
alone, whatever the Swift around it does.

The bounds above add up CPU; a gateway that answers only after its commit also waits. So the
last measure is a whole one: `alertgate-ceiling --store` (its `MinimalStore`) decodes and
compresses as `--decode` does, then commits the storage floor's rows (the request's payload,
and for each alert its alert row and its signal) in the system SQLite with alertgate's
settings before it answers, one writer thread taking every request waiting into its next
transaction (group commit), its checkpoints off the writer's path as alertgate's are. It is
durable as alertgate is by default (synchronous NORMAL: a commit survives the process's crash,
not a power loss). Nothing is correlated. It is what a gateway that keeps every alert durably
and does nothing else reaches on this machine, under the same wrk load: at one alert per POST
at both ends of issue 13's range of connections, and at a hundred per POST. Every alert it
answered is counted in its database afterwards.

The same gateway with `--schema-rows` commits alertgate's own rows for each new alert instead, in
alertgate's own schema, made by its migrations: the payload, the alert in the index of firing alerts, the signal,
its timeline line and its transition, each indexed by alert, and each touched incident's row once a
transaction with the new ids appended to its lists, filed by alertgate's trigger; no indexes by
incident, which alertgate's schema replaced with those lists (v18), unlike the third measure's
stand-in above. In C calls from Swift, with no per-row loop of Python's: what a gateway that keeps
alertgate's rows durably, and does nothing else, reaches on this machine, measured whole.
"""
import contextlib, os, shutil, sqlite3, tempfile, time

import http_ingest
import lib

# Per one-alert POST, at most CONNECTIONS requests can wait on one commit (each connection has one
# request in flight); with one batch committing while the next fills, about half. Batches of 100
# fill commits of ~800 alerts the same way.
SMALL_TRANSACTION = http_ingest.CONNECTIONS
LARGE_TRANSACTION = 800
FLOOR_ALERTS = 48_000
PAYLOAD_BYTES_ONE = 300   # one alert's POST, dictionary-compressed, as the resend section stores them
PAYLOAD_BYTES_HUNDRED = 12_000


def _process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def http_floor(ctx, decode=False, store=False, batch=1, connections=http_ingest.CONNECTIONS, schema_rows=False, beside=None):
    """The ceiling server under bench/alerts.lua, `batch` alerts per POST: (wrk result, server CPU s per
    request, the rest of the machine's busy CPU s per request). `decode`, `store`, `schema_rows`: its
    `--decode`, `--store` and `--schema-rows` modes (module docstring); with `store`, every alert answered
    must be in its database. `beside`: a context manager entered for the length of wrk's run."""
    server = lib.ceiling_server(ctx.bins.ceiling, decode=decode, store=store, keep=store, schema_rows=schema_rows)
    try:
        with server:
            server_before, busy_before = _process_cpu_seconds(server.pid), _machine_busy_seconds()
            with beside or contextlib.nullcontext():
                result = lib.wrk(server.url, "alerts.lua", ctx.http_seconds, connections, http_ingest.THREADS,
                                 env={"BENCH_BATCH": str(batch)})
            server_cpu = _process_cpu_seconds(server.pid) - server_before
            busy = _machine_busy_seconds() - busy_before
        stored = _stored_signals(server.folder, schema_rows) if store else None
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
    mode = " --store" + (" --schema-rows" if schema_rows else "") if store else " --decode" if decode else ""
    if result.non2xx:
        raise RuntimeError(f"alertgate-ceiling{mode} refused {result.non2xx} requests of bench/alerts.lua")
    # Requests still in flight when wrk stopped may be stored without being counted as answered.
    if store and stored < result.requests * batch:
        raise RuntimeError(f"alertgate-ceiling{mode} answered {result.requests * batch} alerts but stored {stored}")
    requests = max(result.requests, 1)
    return result, server_cpu / requests, max(busy - server_cpu, 0.0) / requests


def _stored_signals(folder, schema_rows=False):
    """The signals in a stopped `alertgate-ceiling --store`'s database. With `schema_rows`, each alert of
    bench/alerts.lua is new, so each signal must have its alert, its timeline line and its transition,
    and the incidents' counts and lists (filed pieces and open lists) must each add up to the signals."""
    db = sqlite3.connect(os.path.join(folder, "minimal.sqlite"))
    try:
        signals = db.execute("SELECT count(*) FROM signals").fetchone()[0]
        if schema_rows:
            def listed(pieces, column, open_column):
                # Ids filed in pieces (JSON arrays) and those still in the incidents' open lists.
                return (f"(SELECT coalesce(sum(json_array_length({column})), 0) FROM {pieces}) + "
                        f"(SELECT coalesce(sum(length({open_column}) - length(replace({open_column}, ',', '')) + 1), 0) "
                        f"FROM incidents WHERE {open_column} <> '')")
            counts = db.execute("SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM timeline), "
                                "(SELECT count(*) FROM transitions), (SELECT sum(signal_count) FROM incidents), "
                                "(SELECT sum(alert_count) FROM incidents), "
                                f"{listed('incident_alerts', 'alert_ids', 'open_alert_ids')}, "
                                f"{listed('incident_signals', 'signal_ids', 'open_signal_ids')}").fetchone()
            if any(count != signals for count in counts):
                raise RuntimeError(f"alertgate-ceiling --store --schema-rows stored {signals} signals but alerts, timeline, "
                                   f"transitions, the incidents' counts and their lists of alerts and signals {counts}")
        return signals
    finally:
        db.close()


def storage_floor(per_transaction, payloads_per_alert, payload_bytes, alerts=FLOOR_ALERTS, schema_rows=False):
    """New alerts/s (wall) and CPU s per alert for the three rows, in transactions of `per_transaction` alerts.
    `schema_rows`: also the rows and indexes alertgate's schema adds for a new alert (module docstring)."""
    folder = tempfile.mkdtemp(prefix="alertgate-bench-floor-")
    try:
        db = sqlite3.connect(os.path.join(folder, "floor.sqlite"), isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA cache_size = -2048")
        db.execute("CREATE TABLE payloads (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, data BLOB NOT NULL) STRICT")
        db.execute("CREATE TABLE alerts (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, incident_id INTEGER NOT NULL, "
                   "labels TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL) STRICT")
        db.execute("CREATE INDEX alerts_by_incident ON alerts(incident_id)")
        db.execute("CREATE TABLE signals (id INTEGER PRIMARY KEY, payload_id INTEGER NOT NULL, alert_id INTEGER NOT NULL, "
                   "incident_id INTEGER NOT NULL, fingerprint TEXT NOT NULL, title TEXT NOT NULL, at INTEGER NOT NULL) STRICT")
        db.execute("CREATE INDEX signals_by_incident ON signals(incident_id, id)")
        if schema_rows:
            db.execute("CREATE INDEX alerts_firing ON alerts(first_seen) WHERE first_seen >= 0")
            db.execute("CREATE TABLE timeline (id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL, at INTEGER NOT NULL, "
                       "kind TEXT NOT NULL, signal_id INTEGER, alert_id INTEGER, text_is_signal_title INTEGER NOT NULL) STRICT")
            db.execute("CREATE INDEX timeline_by_incident ON timeline(incident_id, id)")
            db.execute("CREATE TABLE transitions (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind INTEGER NOT NULL, "
                       "incident_id INTEGER NOT NULL, alert_id INTEGER, severity INTEGER NOT NULL) STRICT")
            db.execute("CREATE INDEX transitions_of_alerts ON transitions(alert_id) WHERE alert_id IS NOT NULL")
            db.execute("CREATE TABLE incidents (id INTEGER PRIMARY KEY, key TEXT NOT NULL, last_activity INTEGER NOT NULL, "
                       "signal_count INTEGER NOT NULL, alert_count INTEGER NOT NULL) STRICT")
            db.executemany("INSERT INTO incidents VALUES (?, ?, 0, 0, 0)", [(n + 1, f"service:svc-{n}") for n in range(50)])
        # bench/alerts.lua's alerts: 50 services, each its own incident.
        alert_rows = [(i + 1, f"{(i * 2654435761) & 0xFFFFFFFFFFFFFFFF:016x}", i % 50 + 1,
                       f'{{"alertname":"BenchHighLatency","instance":"10.0.{i % 2}.{i % 250}:9100","job":"svc-{i % 50}",'
                       f'"pod":"pod-{i % 2}-{i}","severity":"warning"}}', i, i) for i in range(alerts)]
        payload_every = round(1 / payloads_per_alert)
        signal_rows = [(i + 1, i // payload_every + 1, i + 1, i % 50 + 1, alert_rows[i][1], f"Instance pod-{i} is slow", i)
                       for i in range(alerts)]
        blob = os.urandom(payload_bytes)
        payload_rows = [(p + 1, p, blob) for p in range((alerts + payload_every - 1) // payload_every)]
        wall_before, cpu_before = time.perf_counter(), time.process_time()
        for start in range(0, alerts, per_transaction):
            end = min(start + per_transaction, alerts)
            db.execute("BEGIN")
            first_payload, last_payload = start // payload_every, (end - 1) // payload_every
            db.executemany("INSERT OR IGNORE INTO payloads VALUES (?, ?, ?)", payload_rows[first_payload:last_payload + 1])
            db.executemany("INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?)", alert_rows[start:end])
            db.executemany("INSERT INTO signals VALUES (?, ?, ?, ?, ?, ?, ?)", signal_rows[start:end])
            if schema_rows:
                db.executemany("INSERT INTO timeline (incident_id, at, kind, signal_id, alert_id, text_is_signal_title) "
                               "VALUES (?, ?, 'alert', ?, ?, 1)", [(i % 50 + 1, i, i + 1, i + 1) for i in range(start, end)])
                db.executemany("INSERT INTO transitions (at, kind, incident_id, alert_id, severity) VALUES (?, 2, ?, ?, 3)",
                               [(i, i % 50 + 1, i + 1) for i in range(start, end)])
                touched = sorted({i % 50 + 1 for i in range(start, end)})
                db.executemany("UPDATE incidents SET last_activity = ?, signal_count = signal_count + 1, "
                               "alert_count = alert_count + 1 WHERE id = ?", [(end, n) for n in touched])
            db.execute("COMMIT")
        wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
        db.close()
        return alerts / wall, cpu / alerts
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def floor_section(ctx):
    cores = os.cpu_count() or 1
    ceiling, http_cpu, client_cpu = http_floor(ctx)
    front, front_cpu, front_client_cpu = http_floor(ctx, decode=True)
    most = http_ingest.MOST_CONNECTIONS
    durable, durable_cpu, durable_client_cpu = http_floor(ctx, store=True)
    durable_most, durable_most_cpu, durable_most_client_cpu = http_floor(ctx, store=True, connections=most)
    durable_hundred, durable_hundred_cpu, durable_hundred_client_cpu = http_floor(ctx, store=True, batch=100)
    rows_one, rows_one_cpu, rows_one_client_cpu = http_floor(ctx, store=True, schema_rows=True)
    rows_hundred, rows_hundred_cpu, rows_hundred_client_cpu = http_floor(ctx, store=True, schema_rows=True, batch=100)
    small_rate, small_cpu = storage_floor(SMALL_TRANSACTION, 1.0, PAYLOAD_BYTES_ONE)
    large_rate, large_cpu = storage_floor(LARGE_TRANSACTION, 0.01, PAYLOAD_BYTES_HUNDRED)
    schema_small_rate, schema_small_cpu = storage_floor(SMALL_TRANSACTION, 1.0, PAYLOAD_BYTES_ONE, schema_rows=True)
    schema_large_rate, schema_large_cpu = storage_floor(LARGE_TRANSACTION, 0.01, PAYLOAD_BYTES_HUNDRED, schema_rows=True)
    lib.log(f"floor: ceiling {ceiling.rps:,.0f} req/s, {http_cpu * 1e6:.0f} µs server CPU + {client_cpu * 1e6:.0f} µs client CPU "
            f"per request; storage {small_rate:,.0f} alerts/s in transactions of {SMALL_TRANSACTION} "
            f"({small_cpu * 1e6:.0f} µs CPU each), {large_rate:,.0f} alerts/s in transactions of {LARGE_TRANSACTION} "
            f"({large_cpu * 1e6:.0f} µs)")

    # One alert per POST: every request costs the machine the HTTP layer's CPU, the load
    # generator's, and the storage floor's; the cores bound their sum.
    one_bound = cores / (http_cpu + client_cpu + small_cpu)
    ours_one = http_ingest._runs(ctx, "alertgate", "alerts", 1)
    ours_one_rps = lib.mean([r.wrk.rps for r in ours_one]) if ours_one else None
    # 100 per POST: SQLite has one writer, so one core's worth of the storage floor bounds the
    # rate before any HTTP or decoding is counted.
    hundred_bound = 1 / large_cpu
    schema_one_bound = cores / (http_cpu + client_cpu + schema_small_cpu)
    schema_hundred_bound = 1 / schema_large_cpu
    front_schema_one_bound = cores / (front_cpu + front_client_cpu + schema_small_cpu)
    peers = http_ingest._side_by_side_runs(ctx, "Alertmanager", 100)
    peer_rate = lib.mean([r.items_per_s for r in peers]) if peers else None
    ours_hundred = http_ingest._side_by_side_runs(ctx, "alertgate", 100)
    ours_hundred_rate = lib.mean([r.items_per_s for r in ours_hundred]) if ours_hundred else None
    # The compare section's runs at the other end of issue 13's range, when it ran.
    ceiling_most = http_ingest._runs(ctx, http_ingest._name("ceiling", most), "alerts", 1)
    ours_most = http_ingest._runs(ctx, http_ingest._name("alertgate", most), "alerts", 1)
    ours_most_rps = lib.mean([r.wrk.rps for r in ours_most]) if ours_most else None

    def share(value, of):
        return f"{value / of:.0%}" if value and of else "n/a"

    floor_rows = [
        ["HTTP layer: `alertgate-ceiling`, 1 alert per POST", f"{lib.num(ceiling.rps)} requests/s",
         f"{http_cpu * 1e6:.0f} (server) + {client_cpu * 1e6:.0f} (wrk)"],
        ["alertgate's work before its pipeline: `alertgate-ceiling --decode`, 1 alert per POST", f"{lib.num(front.rps)} requests/s",
         f"{front_cpu * 1e6:.0f} (server) + {front_client_cpu * 1e6:.0f} (wrk)"],
        [f"storage: 3 rows per new alert, transactions of {SMALL_TRANSACTION}, a payload per alert",
         f"{lib.num(small_rate)} alerts/s", f"{small_cpu * 1e6:.0f}"],
        [f"storage: 3 rows per new alert, transactions of {LARGE_TRANSACTION}, a payload per 100 alerts",
         f"{lib.num(large_rate)} alerts/s", f"{large_cpu * 1e6:.0f}"],
        [f"alertgate's schema: its rows per new alert, transactions of {SMALL_TRANSACTION}",
         f"{lib.num(schema_small_rate)} alerts/s", f"{schema_small_cpu * 1e6:.0f}"],
        [f"alertgate's schema: its rows per new alert, transactions of {LARGE_TRANSACTION}",
         f"{lib.num(schema_large_rate)} alerts/s", f"{schema_large_cpu * 1e6:.0f}"],
        [f"a minimal durable gateway: `alertgate-ceiling --store`, 1 alert per POST, {http_ingest.CONNECTIONS} connections",
         f"{lib.num(durable.rps)} requests/s, p99 {lib.ms(durable.p99_ms)} ms",
         f"{durable_cpu * 1e6:.0f} (server) + {durable_client_cpu * 1e6:.0f} (wrk)"],
        [f"the same, {most} connections", f"{lib.num(durable_most.rps)} requests/s, p99 {lib.ms(durable_most.p99_ms)} ms",
         f"{durable_most_cpu * 1e6:.0f} (server) + {durable_most_client_cpu * 1e6:.0f} (wrk)"],
        [f"the same, 100 alerts per POST, {http_ingest.CONNECTIONS} connections", f"{lib.num(durable_hundred.rps * 100)} alerts/s",
         f"{durable_hundred_cpu / 100 * 1e6:.1f} (server) + {durable_hundred_client_cpu / 100 * 1e6:.1f} (wrk) per alert"],
        [f"the same with alertgate's rows: `alertgate-ceiling --store --schema-rows`, 1 alert per POST, "
         f"{http_ingest.CONNECTIONS} connections", f"{lib.num(rows_one.rps)} requests/s, p99 {lib.ms(rows_one.p99_ms)} ms",
         f"{rows_one_cpu * 1e6:.0f} (server) + {rows_one_client_cpu * 1e6:.0f} (wrk)"],
        [f"the same, 100 alerts per POST, {http_ingest.CONNECTIONS} connections", f"{lib.num(rows_hundred.rps * 100)} alerts/s",
         f"{rows_hundred_cpu / 100 * 1e6:.1f} (server) + {rows_hundred_client_cpu / 100 * 1e6:.1f} (wrk) per alert"],
    ]
    def one_per_post_row(measure, how, bound):
        return [measure, how, lib.num(bound), f"{share(bound, ceiling.rps)} of the ceiling (target: 70 %)",
                lib.num(ours_one_rps) if ours_one_rps else "n/a", share(ours_one_rps, bound)]

    def hundred_per_post_row(measure, how, bound):
        return [measure, how, lib.num(bound), f"{bound / peer_rate:.2f}× Alertmanager (target: 2×)" if peer_rate else "n/a",
                lib.num(ours_hundred_rate) if ours_hundred_rate else "n/a", share(ours_hundred_rate, bound)]

    bound_rows = [
        one_per_post_row("`/api/v2/alerts`, 1 alert per POST, requests/s",
                         f"{cores} cores ÷ (HTTP + wrk + storage per request)", one_bound),
        hundred_per_post_row("`/api/v2/alerts`, 100 alerts per POST, alerts/s", "one writer: 1 core ÷ storage per alert",
                             hundred_bound),
        one_per_post_row("the same, 1 alert per POST, with alertgate's schema",
                         f"{cores} cores ÷ (HTTP + wrk + its rows per request)", schema_one_bound),
        hundred_per_post_row("the same, 100 alerts per POST, with alertgate's schema", "one writer: 1 core ÷ its rows per alert",
                             schema_hundred_bound),
        one_per_post_row("the same, 1 alert per POST, alertgate's decoding and compressing, nothing correlated or stored",
                         "`alertgate-ceiling --decode`, measured", front.rps),
        one_per_post_row("the same, 1 alert per POST, alertgate's decoding and compressing, and its rows",
                         f"{cores} cores ÷ (that server + wrk + its rows per request)", front_schema_one_bound),
        one_per_post_row(f"the same, 1 alert per POST, a minimal durable gateway, {http_ingest.CONNECTIONS} connections",
                         "`alertgate-ceiling --store`, measured", durable.rps),
        [f"the same, {most} connections", "`alertgate-ceiling --store`, measured", lib.num(durable_most.rps),
         f"{share(durable_most.rps, ceiling_most[-1].wrk.rps)} of the ceiling at {most} (target: 70 %)" if ceiling_most else "n/a",
         lib.num(ours_most_rps) if ours_most_rps else "n/a", share(ours_most_rps, durable_most.rps)],
        hundred_per_post_row("the same, 100 alerts per POST, a minimal durable gateway", "`alertgate-ceiling --store`, measured",
                             durable_hundred.rps * 100),
        one_per_post_row(f"the same, 1 alert per POST, a minimal durable gateway with alertgate's rows, "
                         f"{http_ingest.CONNECTIONS} connections", "`alertgate-ceiling --store --schema-rows`, measured", rows_one.rps),
        hundred_per_post_row("the same, 100 alerts per POST, a minimal durable gateway with alertgate's rows",
                             "`alertgate-ceiling --store --schema-rows`, measured", rows_hundred.rps * 100),
    ]
    ctx.report.section("What the machine allows: the HTTP layer and storage, measured apart and whole", [
        "Issue 13's HTTP targets against floors measured in this run (bench/floor.py). The HTTP layer: "
        f"`alertgate-ceiling` under bench/alerts.lua, 1 alert per POST, {http_ingest.CONNECTIONS} connections, "
        f"{ctx.http_seconds} s; CPU per request from /proc, the server's own and the rest of the machine's busy time "
        "(wrk's). Storage: the three rows a durable store of alerts cannot do without for a new alert (the alert with "
        "its labels, the signal, the raw payload), Python's sqlite3 on the system SQLite with alertgate's settings (WAL, "
        f"synchronous NORMAL, 2 MiB cache), {FLOOR_ALERTS:,} alerts, rows built before the clock starts.", "",
        *lib.table(["floor", "rate", "CPU µs per request or alert"], floor_rows), "",
        "The floors' bounds leave out everything else alertgate does per alert (decoding, fingerprinting, correlating, "
        "compressing, the incident, timeline and transition rows), so no store of every alert reaches them here. "
        "The rows of alertgate's schema (bench/floor.py's docstring) add its timeline line, its transition, the index of "
        "firing alerts and the incidents' rows: the bound its writer meets in SQLite alone. `alertgate-ceiling --decode` "
        "adds to the HTTP layer what alertgate does to a request before its pipeline (decoding the body with its codec, "
        "fingerprinting each alert, compressing the body with its `PayloadCompressor`) and stores nothing; without "
        "alertgate's middleware and body reader, it is a little more than alertgate would reach one alert per POST with a "
        "pipeline and a store that cost nothing. `alertgate-ceiling --store` does the same and then commits the storage "
        "floor's rows (the request's payload, and for each alert its alert row and its signal; an alert seen before only "
        "has its last-seen time updated) before it answers, one writer thread taking every request waiting into its next "
        "transaction: a gateway that keeps every alert durably and does nothing else, measured whole, its hops and waits "
        "included. With `--schema-rows` it commits alertgate's rows for each new alert instead, in the schema "
        "alertgate's migrations make (bench/floor.py's docstring; its indexes and the incidents' lists of alert and signal ids, "
        "not the stand-in rows of the schema floor above): a gateway that keeps what alertgate keeps and does nothing "
        "else.", "",
        *lib.table(["measure", "bound", "at most", "the target's terms", "alertgate (this run)", "alertgate ÷ bound"],
                   bound_rows)])
