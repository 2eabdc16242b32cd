import Foundation

/// The PostgreSQL store's schema, as versioned migrations of its own (the SQLite store's
/// history, v1 to v14, is SQLite's: this one starts from where that ended).
///
/// Frozen like `Migrations`: a migration released is never edited; a change is a new one at
/// the end. Each runs in one transaction with the others of a start, under an advisory lock
/// (`PostgresStore.migrate`), so replicas that start together apply each exactly once.
///
/// What differs from the SQLite schema, and why:
/// - ids are `BIGINT`, times `BIGINT` milliseconds and codes `INTEGER`, as there, so both
///   stores read and write the same values;
/// - labels, reasons (`why`), services and links are JSON text in full: the compact forms of
///   SQLite's v13 saved bytes of a single file; here rows are read by SQL as much as by
///   alertgate;
/// - the triggers of SQLite's schema (`incident_services` following an incident's services,
///   an ended run of repeats moving to `alert_runs`, the append-only audit log) are PL/pgSQL
///   functions doing the same;
/// - two unique indexes say what replicas must never make twice: one firing alert per
///   fingerprint (`alerts_one_firing`) and one open incident per correlation key
///   (`incidents_one_open`).
enum PostgresMigrations {
    struct Migration {
        let name: String
        /// Statements ending with `;` at the end of a line; a function body between `$$` may
        /// hold more (PostgreSQL takes one statement per query in the extended protocol).
        let sql: String

        var statements: [String] {
            var statements: [String] = []
            var current = ""
            var inBody = false
            for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
                current += line + "\n"
                if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
                if !inBody, line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                    statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                    current = ""
                }
            }
            let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !rest.isEmpty { statements.append(rest) }
            return statements
        }
    }

    /// The advisory lock key migrations run under: the ASCII of "alertgat".
    static let lockKey: Int64 = 0x616C_6572_7467_6174

    static let all: [Migration] = [
        Migration(name: "v1-schema", sql: """
            CREATE TABLE payloads (
                id BIGSERIAL PRIMARY KEY,
                received_at BIGINT NOT NULL,
                source INTEGER NOT NULL,
                content_type TEXT NOT NULL,
                encoding INTEGER NOT NULL,
                size INTEGER NOT NULL,
                data BYTEA NOT NULL,
                dictionary_id BIGINT
            );
            CREATE INDEX payloads_by_dictionary ON payloads (dictionary_id) WHERE dictionary_id IS NOT NULL;

            CREATE TABLE signals (
                id BIGINT PRIMARY KEY,
                payload_id BIGINT NOT NULL,
                item INTEGER NOT NULL,
                kind INTEGER NOT NULL,
                source INTEGER NOT NULL,
                status INTEGER NOT NULL,
                decision INTEGER NOT NULL,
                severity INTEGER NOT NULL,
                received_at BIGINT NOT NULL,
                at BIGINT NOT NULL,
                alert_id BIGINT,
                incident_id BIGINT,
                fingerprint TEXT NOT NULL,
                service TEXT NOT NULL,
                title TEXT NOT NULL,
                why TEXT NOT NULL
            );
            CREATE INDEX signals_by_incident ON signals (incident_id, id) WHERE incident_id IS NOT NULL;
            CREATE INDEX signals_unattached ON signals (received_at) WHERE incident_id IS NULL;

            CREATE TABLE changes (
                signal_id BIGINT PRIMARY KEY,
                service TEXT NOT NULL,
                title TEXT NOT NULL,
                description TEXT,
                at BIGINT NOT NULL,
                sender TEXT,
                links TEXT NOT NULL
            );
            CREATE INDEX changes_by_service ON changes (service, at);

            CREATE TABLE alerts (
                id BIGINT PRIMARY KEY,
                fingerprint TEXT NOT NULL,
                incident_id BIGINT NOT NULL,
                status INTEGER NOT NULL,
                kind INTEGER NOT NULL,
                service TEXT NOT NULL,
                title TEXT NOT NULL,
                severity INTEGER NOT NULL,
                labels TEXT NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                resolved_at BIGINT,
                count BIGINT NOT NULL,
                ends_at BIGINT,
                flapping BOOLEAN NOT NULL DEFAULT false,
                digest BIGINT NOT NULL DEFAULT 0,
                run_started_at BIGINT,
                run_last_at BIGINT,
                run_count BIGINT NOT NULL DEFAULT 0,
                run_first_payload_id BIGINT,
                run_last_payload_id BIGINT
            );
            CREATE INDEX alerts_by_incident ON alerts (incident_id);
            CREATE UNIQUE INDEX alerts_one_firing ON alerts (fingerprint) WHERE status = 1;
            -- An alert's open run of folded repeats is in its row; when another starts, the one
            -- that ended moves to alert_runs (SQLite's alerts_run_closes, v13).
            CREATE FUNCTION alerts_run_closes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF old.run_count > 0 AND new.run_started_at IS DISTINCT FROM old.run_started_at THEN
                    INSERT INTO alert_runs (alert_id, started_at, last_at, count, first_payload_id, last_payload_id)
                    VALUES (old.id, old.run_started_at, old.run_last_at, old.run_count, old.run_first_payload_id, old.run_last_payload_id)
                    ON CONFLICT (alert_id, started_at) DO UPDATE SET last_at = greatest(alert_runs.last_at, excluded.last_at),
                        count = alert_runs.count + excluded.count,
                        first_payload_id = least(alert_runs.first_payload_id, excluded.first_payload_id),
                        last_payload_id = greatest(alert_runs.last_payload_id, excluded.last_payload_id);
                END IF;
                RETURN new;
            END $$;
            CREATE TRIGGER alerts_run_closes BEFORE UPDATE OF run_started_at ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_run_closes();

            CREATE TABLE alert_runs (
                alert_id BIGINT NOT NULL,
                started_at BIGINT NOT NULL,
                last_at BIGINT NOT NULL,
                count BIGINT NOT NULL,
                first_payload_id BIGINT NOT NULL,
                last_payload_id BIGINT NOT NULL,
                PRIMARY KEY (alert_id, started_at)
            );
            CREATE FUNCTION alert_runs_leave() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN DELETE FROM alert_runs WHERE alert_id = old.id; RETURN NULL; END $$;
            CREATE TRIGGER alert_runs_go_with_their_alert AFTER DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION alert_runs_leave();

            CREATE TABLE incidents (
                id BIGINT PRIMARY KEY,
                key TEXT NOT NULL,
                title TEXT NOT NULL,
                status INTEGER NOT NULL,
                severity INTEGER NOT NULL,
                type INTEGER NOT NULL,
                service TEXT NOT NULL,
                services TEXT NOT NULL,
                owner TEXT,
                detected_by INTEGER NOT NULL,
                opened_at BIGINT NOT NULL,
                acknowledged_at BIGINT,
                resolved_at BIGINT,
                closed_at BIGINT,
                last_activity BIGINT NOT NULL,
                signal_count BIGINT NOT NULL,
                alert_count BIGINT NOT NULL,
                report_count BIGINT NOT NULL,
                classified_by_hand BOOLEAN NOT NULL,
                oncall TEXT,
                rule_severity INTEGER NOT NULL,
                hold_until BIGINT,
                labels TEXT NOT NULL,
                escalation_step INTEGER NOT NULL DEFAULT 0,
                escalated_at BIGINT
            );
            CREATE INDEX incidents_by_status ON incidents (status, id);
            CREATE UNIQUE INDEX incidents_one_open ON incidents (key) WHERE status IN (1, 2);

            CREATE TABLE incident_services (
                service TEXT NOT NULL,
                incident_id BIGINT NOT NULL,
                PRIMARY KEY (service, incident_id)
            );
            CREATE INDEX incident_services_by_incident ON incident_services (incident_id);
            CREATE FUNCTION incident_services_follow() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND old.service = new.service AND old.services = new.services THEN RETURN NULL; END IF;
                DELETE FROM incident_services WHERE incident_id = new.id;
                INSERT INTO incident_services (service, incident_id)
                    SELECT new.service, new.id UNION SELECT value, new.id FROM json_array_elements_text(new.services::json);
                RETURN NULL;
            END $$;
            CREATE TRIGGER incident_services_on_change AFTER INSERT OR UPDATE OF service, services ON incidents
                FOR EACH ROW EXECUTE FUNCTION incident_services_follow();
            CREATE FUNCTION incident_services_leave() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN DELETE FROM incident_services WHERE incident_id = old.id; RETURN NULL; END $$;
            CREATE TRIGGER incident_services_on_delete AFTER DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION incident_services_leave();

            CREATE TABLE timeline (
                id BIGSERIAL PRIMARY KEY,
                incident_id BIGINT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                by TEXT,
                text TEXT,
                signal_id BIGINT,
                alert_id BIGINT,
                public BOOLEAN NOT NULL DEFAULT false
            );
            CREATE INDEX timeline_by_incident ON timeline (incident_id, id);

            CREATE TABLE transitions (
                seq BIGSERIAL PRIMARY KEY,
                at BIGINT NOT NULL,
                kind INTEGER NOT NULL,
                incident_id BIGINT NOT NULL,
                alert_id BIGINT,
                severity INTEGER NOT NULL,
                detail TEXT
            );
            CREATE INDEX transitions_by_incident ON transitions (incident_id);

            CREATE TABLE notifications (
                id BIGSERIAL PRIMARY KEY,
                transition_seq BIGINT,
                kind INTEGER NOT NULL,
                incident_id BIGINT NOT NULL,
                receiver TEXT NOT NULL,
                route TEXT NOT NULL,
                is_repeat BOOLEAN NOT NULL DEFAULT false,
                created_at BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                status INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_attempt_at BIGINT,
                last_error TEXT,
                delivered_at BIGINT,
                repeat_ms BIGINT
            );
            CREATE INDEX notifications_due ON notifications (due_at) WHERE status = 0;
            CREATE INDEX notifications_pair ON notifications (incident_id, receiver, id) WHERE status = 0;
            CREATE INDEX notifications_incident ON notifications (incident_id);

            CREATE TABLE silences (
                id BIGSERIAL PRIMARY KEY,
                matchers TEXT NOT NULL,
                starts_at BIGINT NOT NULL,
                ends_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                comment TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                config_key TEXT UNIQUE
            );

            CREATE TABLE audit (
                id BIGSERIAL PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT,
                address TEXT,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                status INTEGER NOT NULL,
                detail TEXT
            );
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
            CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();

            CREATE TABLE component_states (
                service TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                set_by TEXT,
                set_at BIGINT NOT NULL
            );
            """),
        // Gateways writing side by side (`storage.writers: all`): each commit's version and
        // what it changed, which the others read when their turn begins (`PostgresStore+Turns`);
        // leases for the work one of them does at a time (retention); and the config reloads
        // each asks of the others (`PostgresStore.announceReload`).
        Migration(name: "v2-replicas", sql: """
            CREATE TABLE writer_log (
                version BIGINT PRIMARY KEY,
                alerts BIGINT[] NOT NULL,
                incidents BIGINT[] NOT NULL
            );
            CREATE TABLE leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                until BIGINT NOT NULL
            );
            CREATE TABLE reloads (
                id BIGSERIAL PRIMARY KEY,
                holder TEXT NOT NULL,
                at BIGINT NOT NULL
            );
            """),
        // Heartbeats and their last pings (`HeartbeatStore`), as SQLite's v15.
        Migration(name: "v3-heartbeats", sql: """
            CREATE TABLE heartbeats (
                name TEXT PRIMARY KEY,
                service TEXT,
                every_ms BIGINT,
                cron TEXT,
                grace_ms BIGINT NOT NULL,
                declared BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                last_ping_at BIGINT,
                started_at BIGINT,
                last_fail_at BIGINT,
                state SMALLINT NOT NULL,
                pings BIGINT NOT NULL,
                CHECK ((every_ms IS NULL) <> (cron IS NULL))
            );
            """),
        // As SQLite's v16: an alert's transitions found by its alert, the incident's own by
        // incident, so a new alert's entry appends instead of landing on its incident's leaf.
        Migration(name: "v4-transitions-by-alert", sql: """
            DROP INDEX transitions_by_incident;
            CREATE INDEX transitions_of_incidents ON transitions (incident_id) WHERE alert_id IS NULL;
            CREATE INDEX transitions_of_alerts ON transitions (alert_id) WHERE alert_id IS NOT NULL;
            """),
        // As SQLite's v17: an alert's timeline lines found by their alert, the incident's own
        // by incident.
        Migration(name: "v5-timeline-by-alert", sql: """
            DROP INDEX timeline_by_incident;
            CREATE INDEX timeline_of_incidents ON timeline (incident_id, id) WHERE alert_id IS NULL;
            CREATE INDEX timeline_of_alerts ON timeline (alert_id, id) WHERE alert_id IS NOT NULL;
            """),
    ]
}
