import GRDB

/// The schema, as versioned migrations. A shipped migration is never edited: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE payloads (
                    id INTEGER PRIMARY KEY,
                    received_at INTEGER NOT NULL,
                    source INTEGER NOT NULL,
                    content_type TEXT NOT NULL,
                    encoding INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    data BLOB NOT NULL
                ) STRICT;

                CREATE TABLE signals (
                    id INTEGER PRIMARY KEY,
                    payload_id INTEGER NOT NULL,
                    item INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    source INTEGER NOT NULL,
                    status INTEGER NOT NULL,
                    decision INTEGER NOT NULL,
                    severity INTEGER NOT NULL,
                    received_at INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    alert_id INTEGER,
                    incident_id INTEGER,
                    fingerprint TEXT NOT NULL,
                    service TEXT NOT NULL,
                    title TEXT NOT NULL,
                    why TEXT NOT NULL
                ) STRICT;
                CREATE INDEX signals_by_incident ON signals(incident_id, id) WHERE incident_id IS NOT NULL;
                CREATE INDEX signals_by_alert ON signals(alert_id, id) WHERE alert_id IS NOT NULL;

                CREATE TABLE alerts (
                    id INTEGER PRIMARY KEY,
                    fingerprint TEXT NOT NULL,
                    incident_id INTEGER NOT NULL,
                    status INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    service TEXT NOT NULL,
                    title TEXT NOT NULL,
                    severity INTEGER NOT NULL,
                    labels TEXT NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    resolved_at INTEGER,
                    count INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX alerts_by_incident ON alerts(incident_id);
                CREATE INDEX alerts_firing ON alerts(status) WHERE status = 1;

                CREATE TABLE incidents (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL,
                    title TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    severity INTEGER NOT NULL,
                    type INTEGER NOT NULL,
                    service TEXT NOT NULL,
                    services TEXT NOT NULL,
                    owner TEXT,
                    detected_by INTEGER NOT NULL,
                    opened_at INTEGER NOT NULL,
                    acknowledged_at INTEGER,
                    resolved_at INTEGER,
                    closed_at INTEGER,
                    last_activity INTEGER NOT NULL,
                    signal_count INTEGER NOT NULL,
                    alert_count INTEGER NOT NULL,
                    report_count INTEGER NOT NULL,
                    classified_by_hand INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX incidents_by_status ON incidents(status, id);
                CREATE INDEX incidents_by_service ON incidents(service, id);

                CREATE TABLE timeline (
                    id INTEGER PRIMARY KEY,
                    incident_id INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    by TEXT,
                    text TEXT,
                    signal_id INTEGER,
                    alert_id INTEGER
                ) STRICT;
                CREATE INDEX timeline_by_incident ON timeline(incident_id, id);

                CREATE TABLE changes (
                    signal_id INTEGER PRIMARY KEY,
                    service TEXT NOT NULL,
                    title TEXT NOT NULL,
                    description TEXT,
                    at INTEGER NOT NULL,
                    sender TEXT,
                    links TEXT NOT NULL
                ) STRICT;
                CREATE INDEX changes_by_service ON changes(service, at);
                """)
        }
        migrator.registerMigration("v2-alert-ends-at") { db in
            try db.execute(sql: "ALTER TABLE alerts ADD COLUMN ends_at INTEGER")
        }
        migrator.registerMigration("v3-payload-dictionary") { db in
            // The payload whose original bytes a `.zlibDictionary` payload is compressed against.
            try db.execute(sql: "ALTER TABLE payloads ADD COLUMN dictionary_id INTEGER")
        }
        migrator.registerMigration("v4-drop-signals-by-alert") { db in
            // No query reads signals by alert (reads go by incident or by id): the index only
            // cost every signal insert a second B-tree write.
            try db.execute(sql: "DROP INDEX signals_by_alert")
        }
        migrator.registerMigration("v5-transitions") { db in
            // What the announce stage reports, in the transaction of the rows that caused it.
            // AUTOINCREMENT: a sequence number is never handed out twice, even after the newest
            // rows are deleted, so a consumer's "last handled" stays meaningful.
            try db.execute(sql: """
                CREATE TABLE transitions (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    incident_id INTEGER NOT NULL,
                    alert_id INTEGER,
                    severity INTEGER NOT NULL,
                    detail TEXT
                ) STRICT;
                """)
        }
        migrator.registerMigration("v6-classification-and-silences") { db in
            // `rule_severity`: the worst severity an incident's signals asked for, before its
            // scope (more services, user reports) raised it; existing rows start at their
            // severity. `hold_until` and `flapping`: the flapping hold-down. `timeline.public`: status
            // updates users may read. `oncall`: the catalog's on-call for the incident's service. Silences
            // are kept here so the Alertmanager API and restarts see the same ones;
            // `config_key` marks those from the config file, added once.
            try db.execute(sql: """
                ALTER TABLE incidents ADD COLUMN oncall TEXT;
                ALTER TABLE incidents ADD COLUMN rule_severity INTEGER NOT NULL DEFAULT 4;
                UPDATE incidents SET rule_severity = severity;
                ALTER TABLE incidents ADD COLUMN hold_until INTEGER;
                ALTER TABLE alerts ADD COLUMN flapping INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE timeline ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE silences (
                    id INTEGER PRIMARY KEY,
                    matchers TEXT NOT NULL,
                    starts_at INTEGER NOT NULL,
                    ends_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    comment TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    config_key TEXT UNIQUE
                ) STRICT;
                """)
        }
        migrator.registerMigration("v7-notifications-and-audit") { db in
            // The outbox: one row per (transition, receiver), written in the transaction of the
            // transition, plus the repeats the sender schedules. `kind` is the transition's code,
            // `status` a `StoredNotification.Status` code; `due_at` is the next attempt (while
            // pending). The partial indexes hold only pending rows, so finding due work stays
            // cheap however many were delivered. `incidents.labels`: those of the signal that
            // opened it, for routes' matchers (older incidents have none: `{}`);
            // `escalation_step` and `escalated_at`: where its escalation policy stands. `audit`: every
            // write action through the API, append-only (triggers refuse UPDATE and DELETE).
            try db.execute(sql: """
                ALTER TABLE incidents ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE incidents ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE incidents ADD COLUMN escalated_at INTEGER;
                CREATE TABLE notifications (
                    id INTEGER PRIMARY KEY,
                    transition_seq INTEGER,
                    kind INTEGER NOT NULL,
                    incident_id INTEGER NOT NULL,
                    receiver TEXT NOT NULL,
                    route TEXT NOT NULL,
                    is_repeat INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    due_at INTEGER NOT NULL,
                    status INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_attempt_at INTEGER,
                    last_error TEXT,
                    delivered_at INTEGER,
                    repeat_ms INTEGER
                ) STRICT;
                CREATE INDEX notifications_due ON notifications(due_at) WHERE status = 0;
                CREATE INDEX notifications_pair ON notifications(incident_id, receiver, id) WHERE status = 0;
                CREATE INDEX notifications_incident ON notifications(incident_id);
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    actor TEXT,
                    address TEXT,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    detail TEXT
                ) STRICT;
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        migrator.registerMigration("v8-incremental-vacuum") { db in
            // Retention deletes old rows; in the default mode SQLite only reuses the pages they
            // freed, and the file never shrinks. With auto_vacuum = INCREMENTAL freed pages can
            // be handed back to the file system a few at a time (PRAGMA incremental_vacuum), in
            // short transactions beside the pipeline's commits. SQLite changes this mode only in
            // a file without tables or by a VACUUM, and a VACUUM cannot run inside a transaction,
            // as every migration does: the setting is made here and the VACUUM that applies it
            // runs once, right after the migrations (`SQLiteStore.useIncrementalVacuum`). It
            // rewrites the whole file, so the first start after the upgrade takes about as long
            // as copying it; a new file is empty then and the VACUUM is instant.
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
        }
        migrator.registerMigration("v9-retention-indexes") { db in
            // What retention looks up, each without reading a whole table. `payloads_by_dictionary`:
            // whether a payload still serves as the dictionary of another (only dictionary
            // payloads carry an entry). `signals_unattached`: the oldest signals of no incident
            // (silenced, pending, change events; those of an incident go with it). And
            // `transitions_by_incident`: the transitions of an incident that is deleted.
            try db.execute(sql: """
                CREATE INDEX payloads_by_dictionary ON payloads(dictionary_id) WHERE dictionary_id IS NOT NULL;
                CREATE INDEX signals_unattached ON signals(received_at) WHERE incident_id IS NULL;
                CREATE INDEX transitions_by_incident ON transitions(incident_id);
                """)
        }
        migrator.registerMigration("v10-folded-repeats") { db in
            // Prometheus resends every firing alert every minute. A resend that changes nothing but
            // its times no longer writes a signal row (`CorrelationConfig.foldRepeats`): it counts
            // in a run of `alert_runs`, one row per alert and run, updated in place, so a database
            // grows with what changes, not with what is resent. `first_payload_id` and
            // `last_payload_id` name the raw bodies that began and last extended the run (every
            // body stays in `payloads`). An alert keeps the digest of what it last said and the
            // first and last arrival of its open run, so folding goes on across a restart; its
            // runs go with it.
            try db.execute(sql: """
                ALTER TABLE alerts ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE alerts ADD COLUMN run_started_at INTEGER;
                ALTER TABLE alerts ADD COLUMN run_last_at INTEGER;
                CREATE TABLE alert_runs (
                    alert_id INTEGER NOT NULL,
                    started_at INTEGER NOT NULL,
                    last_at INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    first_payload_id INTEGER NOT NULL,
                    last_payload_id INTEGER NOT NULL,
                    PRIMARY KEY (alert_id, started_at)
                ) STRICT, WITHOUT ROWID;
                CREATE TRIGGER alert_runs_go_with_their_alert AFTER DELETE ON alerts
                BEGIN DELETE FROM alert_runs WHERE alert_id = old.id; END;
                """)
        }
        migrator.registerMigration("v11-incident-services") { db in
            // `?service=` matches an incident's own service or any service it spread to, kept as
            // a JSON array in `incidents.services`: a LIKE on that text reads every incident
            // (79 ms at 100k incidents). `incident_services` holds one row per incident and
            // service, in the order the list wants (service, then id), so a service's newest
            // incidents are a range of this index. Triggers keep it in step with `incidents`,
            // whoever writes them (the batch writer's upsert, retention's delete); an update that
            // leaves `services` as it was touches nothing. UNION, not INSERT OR IGNORE, drops the
            // own service where `services` names it too: inside a trigger the writer's statement
            // (an upsert) decides the conflict policy, and it aborts.
            try db.execute(sql: """
                CREATE TABLE incident_services (
                    service TEXT NOT NULL,
                    incident_id INTEGER NOT NULL,
                    PRIMARY KEY (service, incident_id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX incident_services_by_incident ON incident_services(incident_id);
                INSERT INTO incident_services (service, incident_id)
                    SELECT service, id FROM incidents
                    UNION SELECT each.value, incidents.id FROM incidents, json_each(incidents.services) AS each;
                CREATE TRIGGER incident_services_on_insert AFTER INSERT ON incidents
                BEGIN
                    INSERT INTO incident_services (service, incident_id)
                        SELECT new.service, new.id UNION SELECT each.value, new.id FROM json_each(new.services) AS each;
                END;
                CREATE TRIGGER incident_services_on_update AFTER UPDATE OF service, services ON incidents
                WHEN old.service IS NOT new.service OR old.services IS NOT new.services
                BEGIN
                    DELETE FROM incident_services WHERE incident_id = old.id;
                    INSERT INTO incident_services (service, incident_id)
                        SELECT new.service, new.id UNION SELECT each.value, new.id FROM json_each(new.services) AS each;
                END;
                CREATE TRIGGER incident_services_on_delete AFTER DELETE ON incidents
                BEGIN DELETE FROM incident_services WHERE incident_id = old.id; END;
                """)
        }
        migrator.registerMigration("v12-payload-xor-delta") { _ in
            // No table changes: payloads may now be stored with encoding 3 (`XORDelta`), which
            // an alertgate before this version cannot read. The migration marks the file, so such
            // a build refuses it as a newer schema instead of failing on its payloads.
        }
        migrator.registerMigration("v13-compact-rows") { db in
            // A new alert wrote ~725 bytes of rows, most of them text that other rows repeat: the
            // reason of its first signal as JSON (119 bytes, the same sentence for every alert of
            // a rule), its labels as JSON, and a timeline line repeating its signal's title. From
            // here new rows are written compactly, old rows are read as they are:
            // - `signals.why` may hold `<template id>␟<key>␟<numbers>` (`WhyText`), the rule,
            //   window and sentence kept once in `why_templates` (only added to, never changed);
            // - `alerts.labels` may hold the compact labels (`LabelsText`);
            // - `timeline.text_is_signal_title` = 1: the line's text is the title of its signal
            //   (`signal_id`) and is not stored again (NULL);
            // - `signals.fingerprint` = '' on a signal of an alert: it is its alert's;
            // - `signals.from_alert`: bit 1, the signal's title is its alert's `title` (stored
            //   '') and bit 2, its service is its alert's `service` (stored ''). So that a title
            //   once pointed to stays true, `alerts.title` is the title the alert was created with
            //   from here on, and `alerts.retitled` the title a later signal gave it (NULL while
            //   it has its first); rows of before keep their title in `title`.
            // - An alert's open run of folded repeats is kept in its row (`run_count`,
            //   `run_first_payload_id`, `run_last_payload_id` beside `run_started_at` and
            //   `run_last_at`, which it had): Prometheus resends every firing alert, so every
            //   firing alert had a run row as well (~32 bytes with its b-tree's share). `alert_runs`
            //   keeps the runs that ended, moved there by the trigger `alerts_run_closes` when an
            //   alert's open run changes; the open runs of before move into their alerts' rows here.
            try db.execute(sql: """
                CREATE TABLE why_templates (
                    id INTEGER PRIMARY KEY,
                    rule TEXT NOT NULL,
                    window TEXT,
                    window_seconds INTEGER,
                    detail TEXT NOT NULL
                ) STRICT;
                CREATE INDEX why_templates_by_detail ON why_templates(detail);
                ALTER TABLE timeline ADD COLUMN text_is_signal_title INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE signals ADD COLUMN from_alert INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE alerts ADD COLUMN retitled TEXT;
                ALTER TABLE alerts ADD COLUMN run_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE alerts ADD COLUMN run_first_payload_id INTEGER;
                ALTER TABLE alerts ADD COLUMN run_last_payload_id INTEGER;
                UPDATE alerts SET
                    run_count = (SELECT count FROM alert_runs WHERE alert_id = alerts.id AND started_at = alerts.run_started_at),
                    run_first_payload_id = (SELECT first_payload_id FROM alert_runs WHERE alert_id = alerts.id AND started_at = alerts.run_started_at),
                    run_last_payload_id = (SELECT last_payload_id FROM alert_runs WHERE alert_id = alerts.id AND started_at = alerts.run_started_at)
                WHERE EXISTS (SELECT 1 FROM alert_runs WHERE alert_id = alerts.id AND started_at = alerts.run_started_at);
                DELETE FROM alert_runs
                WHERE EXISTS (SELECT 1 FROM alerts WHERE alerts.id = alert_runs.alert_id AND alerts.run_started_at = alert_runs.started_at);
                CREATE TRIGGER alerts_run_closes BEFORE UPDATE OF run_started_at ON alerts
                WHEN old.run_count > 0 AND new.run_started_at IS NOT old.run_started_at
                BEGIN
                    INSERT INTO alert_runs (alert_id, started_at, last_at, count, first_payload_id, last_payload_id)
                    VALUES (old.id, old.run_started_at, old.run_last_at, old.run_count, old.run_first_payload_id, old.run_last_payload_id)
                    ON CONFLICT (alert_id, started_at) DO UPDATE SET last_at = max(last_at, excluded.last_at), count = count + excluded.count,
                        first_payload_id = min(first_payload_id, excluded.first_payload_id),
                        last_payload_id = max(last_payload_id, excluded.last_payload_id);
                END;
                """)
        }
        migrator.registerMigration("v14-component-states") { db in
            // The status page's components take their state from open incidents; an engineer may
            // set one by hand (a false alarm, a problem monitoring does not see, maintenance).
            // What users were told must survive a restart, so it is a row, one per service.
            try db.execute(sql: """
                CREATE TABLE component_states (
                    service TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    set_by TEXT,
                    set_at INTEGER NOT NULL
                ) STRICT;
                """)
        }
        migrator.registerMigration("v15-heartbeats") { db in
            // Heartbeats and their last pings: a restart must know what was missed while it was
            // down, so the state is a row, written at each ping and change. The schedule is a
            // period or a cron expression, never both.
            try db.execute(sql: """
                CREATE TABLE heartbeats (
                    name TEXT PRIMARY KEY,
                    service TEXT,
                    every_ms INTEGER,
                    cron TEXT,
                    grace_ms INTEGER NOT NULL,
                    declared INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_ping_at INTEGER,
                    started_at INTEGER,
                    last_fail_at INTEGER,
                    state INTEGER NOT NULL,
                    pings INTEGER NOT NULL,
                    CHECK ((every_ms IS NULL) <> (cron IS NULL))
                ) STRICT;
                """)
        }
        migrator.registerMigration("v16-transitions-by-alert") { db in
            // Every new alert writes a transition, and its entry in `transitions_by_incident`
            // landed on the leaf of its incident: in a commit of alerts for many incidents, as
            // many pages to write again. Only retention looks transitions up, to delete those of
            // a deleted incident: an alert's by its alert (new alerts' ids ascend, so their
            // entries append at the index's right edge; an alert stays in the incident it was
            // made in), the incident's own (opened, escalated, resolved, ...: a few an incident)
            // by incident. A hundred new alerts per POST over 50 incidents: 31,187 → 33,167
            // alerts a second, the means of three runs each way, alternating (BENCHMARKS.md,
            // the notes of the first run with v16).
            try db.execute(sql: """
                DROP INDEX transitions_by_incident;
                CREATE INDEX transitions_of_incidents ON transitions(incident_id) WHERE alert_id IS NULL;
                CREATE INDEX transitions_of_alerts ON transitions(alert_id) WHERE alert_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v17-timeline-by-alert") { db in
            // As v16 for transitions: a new alert's `attached` line (and an alert's resolve) was
            // an entry of `timeline_by_incident` on its incident's leaf, one page to write again
            // per incident a commit touches. Lines of an alert are now found by their alert
            // (new alerts' ids ascend: their entries append at the index's right edge), the
            // incident's own (opened, classified, notes, ...) by incident; `timeline(incidentID:)`
            // and retention read both. One alert per POST over 64 connections, six rounds
            // alternating with v16: 11,684 → 12,481 requests/s, wrk's p99 11.2 → 10.1 ms, the
            // means, better in five rounds of six. The WAL's frames of the timeline's indexes in
            // a run's last 20 commits: 333 → 33 (BENCHMARKS.md, the notes of the first run with v17).
            try db.execute(sql: """
                DROP INDEX timeline_by_incident;
                CREATE INDEX timeline_of_incidents ON timeline(incident_id, id) WHERE alert_id IS NULL;
                CREATE INDEX timeline_of_alerts ON timeline(alert_id, id) WHERE alert_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v18-incident-lists") { db in
            // After v17, two thirds of the pages a commit of one alert per POST wrote were leaves
            // of `alerts_by_incident` and `signals_by_incident`: each new alert's and signal's
            // entry landed on its incident's leaf, a page per incident the commit touched. An
            // incident's alerts and signals are now listed in its own row, which that commit
            // writes anyway (`IncidentList`): the newest ids as text, filed by the trigger
            // `incident_lists_filed` as one row of `incident_alerts` or `incident_signals` (a JSON
            // array) once the text reaches 240 characters. The rows a file already holds are filed
            // 32 to a piece; `CAST` of a list reads its first id. One alert per POST over 64
            // connections, three rounds alternating with v17: 13,356 → 14,925 requests/s, wrk's
            // p99 9.07 → 7.80 ms, the means; the WAL's frames in a run's last 20 commits 1,023 →
            // 396 (BENCHMARKS.md, the notes of the first run with v18).
            try db.execute(sql: """
                ALTER TABLE incidents ADD COLUMN open_alert_ids TEXT;
                ALTER TABLE incidents ADD COLUMN open_signal_ids TEXT;
                CREATE TABLE incident_alerts (
                    incident_id INTEGER NOT NULL,
                    first_alert_id INTEGER NOT NULL,
                    alert_ids TEXT NOT NULL,
                    PRIMARY KEY (incident_id, first_alert_id)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE incident_signals (
                    incident_id INTEGER NOT NULL,
                    first_signal_id INTEGER NOT NULL,
                    signal_ids TEXT NOT NULL,
                    PRIMARY KEY (incident_id, first_signal_id)
                ) STRICT, WITHOUT ROWID;
                INSERT INTO incident_alerts (incident_id, first_alert_id, alert_ids)
                    SELECT incident_id, min(id), '[' || group_concat(id) || ']' FROM (
                        SELECT incident_id, id, (row_number() OVER (PARTITION BY incident_id ORDER BY id) - 1) / 32 AS piece
                        FROM alerts ORDER BY incident_id, id)
                    GROUP BY incident_id, piece;
                INSERT INTO incident_signals (incident_id, first_signal_id, signal_ids)
                    SELECT incident_id, min(id), '[' || group_concat(id) || ']' FROM (
                        SELECT incident_id, id, (row_number() OVER (PARTITION BY incident_id ORDER BY id) - 1) / 32 AS piece
                        FROM signals WHERE incident_id IS NOT NULL ORDER BY incident_id, id)
                    GROUP BY incident_id, piece;
                CREATE TRIGGER incident_lists_filed AFTER UPDATE OF open_alert_ids, open_signal_ids ON incidents
                WHEN length(new.open_alert_ids) >= 240 OR length(new.open_signal_ids) >= 240
                BEGIN
                    INSERT INTO incident_alerts (incident_id, first_alert_id, alert_ids)
                        SELECT new.id, CAST(new.open_alert_ids AS INTEGER), '[' || new.open_alert_ids || ']'
                        WHERE length(new.open_alert_ids) >= 240;
                    INSERT INTO incident_signals (incident_id, first_signal_id, signal_ids)
                        SELECT new.id, CAST(new.open_signal_ids AS INTEGER), '[' || new.open_signal_ids || ']'
                        WHERE length(new.open_signal_ids) >= 240;
                    UPDATE incidents SET open_alert_ids = iif(length(open_alert_ids) >= 240, NULL, open_alert_ids),
                                         open_signal_ids = iif(length(open_signal_ids) >= 240, NULL, open_signal_ids)
                    WHERE id = new.id;
                END;
                CREATE TRIGGER incident_lists_on_delete AFTER DELETE ON incidents
                BEGIN
                    DELETE FROM incident_alerts WHERE incident_id = old.id;
                    DELETE FROM incident_signals WHERE incident_id = old.id;
                END;
                DROP INDEX alerts_by_incident;
                DROP INDEX signals_by_incident;
                """)
        }
        return migrator
    }
}
