import AlertgateTesting
@testable import AlertgatePostgres
import AlertgateStorage
import Testing

/// The PostgreSQL store's schema on a real server (`TemporaryPostgres`): applied once, by
/// whichever replica comes first, and refusing a database from a newer alertgate.
@Suite struct PostgresSchemaTests {
    @Test func aFreshDatabaseGetsEveryMigrationOnceAndAReopenAppliesNone() async throws {
        let url = try await TemporaryPostgres.database()
        let store = try await PostgresStore.open(url: url)
        #expect(try await store.appliedMigrations() == PostgresMigrations.all.map(\.name))
        await store.close()
        let again = try await PostgresStore.open(url: url)
        #expect(try await again.appliedMigrations() == PostgresMigrations.all.map(\.name))
        await again.close()
        let tables = try await TemporaryPostgres.psql(url, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables.trimmingCharacters(in: .whitespacesAndNewlines) == [
            "alert_runs", "alertgate_migrations", "alerts", "audit", "changes", "component_states", "heartbeats", "incident_services", "incidents",
            "leases", "notifications", "payloads", "reloads", "signals", "silences", "timeline", "transitions", "writer_log",
        ].joined(separator: ","))
    }

    @Test func replicasStartingTogetherApplyTheSchemaOnce() async throws {
        let url = try await TemporaryPostgres.database()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStore.open(url: url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for store in stores {
            #expect(try await store.appliedMigrations() == PostgresMigrations.all.map(\.name))
            await store.close()
        }
    }

    @Test func aDatabaseOfANewerAlertgateIsRefused() async throws {
        let url = try await TemporaryPostgres.database()
        await try PostgresStore.open(url: url).close()
        try await TemporaryPostgres.psql(url, "INSERT INTO alertgate_migrations (name) VALUES ('v99-from-the-future')")
        await #expect(throws: StoreError.newerSchema(path: "the PostgreSQL database", unknown: ["v99-from-the-future"])) {
            try await PostgresStore.open(url: url)
        }
    }

    @Test func theRulesOfTheSQLiteSchemaHoldHereToo() async throws {
        let url = try await TemporaryPostgres.database()
        await try PostgresStore.open(url: url).close()
        // The audit log takes rows and gives none back.
        try await TemporaryPostgres.psql(url, "INSERT INTO audit (at, method, path, status) VALUES (1, 'POST', '/api/v1/silences', 201)")
        await #expect(throws: TemporaryPostgres.Failure.self) { try await TemporaryPostgres.psql(url, "DELETE FROM audit") }
        await #expect(throws: TemporaryPostgres.Failure.self) { try await TemporaryPostgres.psql(url, "UPDATE audit SET status = 200") }
        // An incident is listed under its service and each of its services, as they change.
        try await TemporaryPostgres.psql(url, """
            INSERT INTO incidents (id, key, title, status, severity, type, service, services, detected_by, opened_at, last_activity,
                                   signal_count, alert_count, report_count, classified_by_hand, rule_severity, labels)
            VALUES (7, 'api', 'api down', 1, 2, 1, 'api', '["db","cache"]', 1, 0, 0, 1, 1, 0, false, 2, '{}')
            """)
        #expect(try await TemporaryPostgres.psql(url, "SELECT string_agg(service, ',' ORDER BY service) FROM incident_services WHERE incident_id = 7")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "api,cache,db")
        try await TemporaryPostgres.psql(url, "UPDATE incidents SET services = '[\"queue\"]' WHERE id = 7")
        #expect(try await TemporaryPostgres.psql(url, "SELECT string_agg(service, ',' ORDER BY service) FROM incident_services WHERE incident_id = 7")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "api,queue")
        // One open incident per key, one firing alert per fingerprint.
        await #expect(throws: TemporaryPostgres.Failure.self) {
            try await TemporaryPostgres.psql(url, """
                INSERT INTO incidents (id, key, title, status, severity, type, service, services, detected_by, opened_at, last_activity,
                                       signal_count, alert_count, report_count, classified_by_hand, rule_severity, labels)
                VALUES (8, 'api', 'api down again', 2, 2, 1, 'api', '[]', 1, 0, 0, 1, 1, 0, false, 2, '{}')
                """)
        }
        let alert = """
            INSERT INTO alerts (id, fingerprint, incident_id, status, kind, service, title, severity, labels, first_seen, last_seen, count)
            VALUES (%d, 'fp', 7, %d, 1, 'api', 'down', 2, '{}', 0, 0, 1)
            """
        try await TemporaryPostgres.psql(url, String(format: alert, 1, 2))
        try await TemporaryPostgres.psql(url, String(format: alert, 2, 1))
        await #expect(throws: TemporaryPostgres.Failure.self) { try await TemporaryPostgres.psql(url, String(format: alert, 3, 1)) }
    }

    @Test func aURLThatNamesNoDatabaseIsRefusedWithWhatIsMissing() {
        #expect(throws: StoreError.badURL("mysql://a@b/c is not a postgres:// URL")) { try PostgresStore.Address(url: "mysql://a@b/c") }
        #expect(throws: StoreError.badURL("postgres://alertgate@db names no database (postgres://user@host/database)")) {
            try PostgresStore.Address(url: "postgres://alertgate@db")
        }
        #expect(throws: StoreError.badURL("postgres://db/alerts names no user (postgres://user@host/database)")) {
            try PostgresStore.Address(url: "postgres://db/alerts")
        }
        #expect(throws: StoreError.badURL("postgres://a@db/x?sslcert=/c.pem: sslcert=/c.pem is not supported (sslmode and sslrootcert are)")) {
            try PostgresStore.Address(url: "postgres://a@db/x?sslcert=/c.pem")
        }
        #expect(throws: StoreError.badURL("postgres://a@db/x?sslmode=on: sslmode=on is not one of disable, allow, prefer, require, verify-ca, verify-full")) {
            try PostgresStore.Address(url: "postgres://a@db/x?sslmode=on")
        }
        #expect(throws: StoreError.badURL("postgres://a@db/x?sslmode=require&sslrootcert=/ca.pem: sslrootcert is read only with sslmode=verify-ca or verify-full")) {
            try PostgresStore.Address(url: "postgres://a@db/x?sslmode=require&sslrootcert=/ca.pem")
        }
        let address = try? PostgresStore.Address(url: "postgresql://ops:s%40cret@10.0.0.5:6432/alertgate?sslmode=disable")
        #expect(address?.host == "10.0.0.5" && address?.port == 6432 && address?.user == "ops" && address?.password == "s@cret"
            && address?.database == "alertgate" && address?.tls == .disable)
        // libpq's default, and its modes.
        #expect((try? PostgresStore.Address(url: "postgres://a@db/x"))?.tls == .prefer)
        #expect((try? PostgresStore.Address(url: "postgres://a@db/x?sslmode=require"))?.tls == .require)
        #expect((try? PostgresStore.Address(url: "postgres://a@db/x?sslmode=verify-full&sslrootcert=/etc/ca.pem"))?.tls
            == .verifyFull(rootCertificate: "/etc/ca.pem"))
        #expect((try? PostgresStore.Address(url: "postgres://a@db/x?sslmode=verify-ca"))?.tls == .verifyCA(rootCertificate: nil))
    }

    /// Whether each of the store's connections to the database at `url` (a URL without a
    /// query) speaks TLS, read by a connection of `psql`'s own without it.
    static func connectionsUseTLS(_ url: String) async throws -> [Bool] {
        let answer = try await TemporaryPostgres.psql(url + "?sslmode=disable", """
            SELECT s.ssl FROM pg_stat_activity AS a JOIN pg_stat_ssl AS s USING (pid)
            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
            """)
        return answer.split(separator: "\n").map { $0 == "t" }
    }

    @Test func theStoreSpeaksTLSAsSSLModeAsksAndChecksTheCertificateWhenTold() async throws {
        let base = try await TemporaryPostgres.database()
        let byName = base.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let certificate = try await TemporaryPostgres.certificate()
        for (url, encrypted) in [(base, true), (base + "?sslmode=require", true), (byName + "?sslmode=verify-full&sslrootcert=\(certificate)", true),
                                 (base + "?sslmode=verify-ca&sslrootcert=\(certificate)", true), (base + "?sslmode=disable", false)] {
            let store = try await PostgresStore.open(url: url, sharing: .standby)
            #expect(try await store.appliedMigrations().isEmpty == false)
            let connections = try await Self.connectionsUseTLS(base)
            await store.close()
            #expect(!connections.isEmpty)
            #expect(connections.allSatisfy { $0 == encrypted }, "\(url): \(connections), the writer lock's connection among them")
        }
        // Refused: a host name the certificate does not name (verify-full checks it, verify-ca
        // did not above), a certificate no root of the system's signed, a root file not there.
        let started = ContinuousClock.now
        for url in [base + "?sslmode=verify-full&sslrootcert=\(certificate)", base + "?sslmode=verify-full"] {
            do {
                let store = try await PostgresStore.open(url: url)
                await store.close()
                Issue.record("\(url) was opened")
            } catch {
                #expect("\(error)".contains("the server's TLS certificate does not verify"), "\(url): \(error)")
            }
        }
        #expect(ContinuousClock.now - started < .seconds(30), "said at once, not after the pool's retries")
        await #expect(throws: StoreError.self) { try await PostgresStore.open(url: base + "?sslmode=verify-ca&sslrootcert=/nonexistent.pem") }
    }
}
