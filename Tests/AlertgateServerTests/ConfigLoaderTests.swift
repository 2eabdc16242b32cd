import AlertgateCore
import AlertgateServer
import Testing

/// The YAML config: every key optional, every error names its key.
@Suite struct ConfigLoaderTests {
    @Test func emptyFileGivesTheDefaults() throws {
        let config = try ConfigLoader.parse(yaml: "")
        #expect(config == GatewayConfig())
        #expect(config.http.host == "127.0.0.1")
        #expect(config.http.port == 9480)
        #expect(config.storage.path == "./alertgate-data/alertgate.sqlite")
        #expect(config.http.maxBodyBytes == 1 << 20)
    }

    @Test func everySectionIsRead() throws {
        let config = try ConfigLoader.parse(yaml: """
            http:
              host: 0.0.0.0
              port: 8080
              max_body_bytes: 2097152
            storage:
              path: /var/lib/alertgate/db.sqlite
              synchronous: FULL
            pipeline:
              queue_capacity: 100
              max_batch_signals: 500
              expiry_interval: 250ms
            correlation:
              correlation_window: 15m
              resolve_timeout: 90s
              reopen_window: 1h
              max_clock_skew: 2m
              group_by: [cluster, service]
            """)
        #expect(config.http.host == "0.0.0.0")
        #expect(config.http.port == 8080)
        #expect(config.http.maxBodyBytes == 2_097_152)
        #expect(config.storage.path == "/var/lib/alertgate/db.sqlite")
        #expect(config.storage.synchronous == "full")
        #expect(config.pipeline.queueCapacity == 100)
        #expect(config.pipeline.maxBatchSignals == 500)
        #expect(config.pipeline.expiryInterval == .milliseconds(250))
        #expect(config.correlation.correlationWindow == .seconds(900))
        #expect(config.correlation.resolveTimeout == .seconds(90))
        #expect(config.correlation.reopenWindow == .seconds(3600))
        #expect(config.correlation.maxClockSkew == .seconds(120))
        #expect(config.correlation.groupBy == ["cluster", "service"])
    }

    /// Gateways write side by side only on PostgreSQL: `all` without `storage.url` is refused
    /// once flags and the environment have had their say.
    @Test func heartbeatsAreDeclaredWithAPeriodOrACron() throws {
        let config = try ConfigLoader.parse(yaml: """
            heartbeats:
              - name: nightly-backup
                service: backups
                every: 24h
                grace: 1h
              - {name: report, cron: "0 3 * * mon-fri"}
            """)
        #expect(config.policy.heartbeats == [
            HeartbeatSpec(name: "nightly-backup", service: "backups", schedule: .every(.seconds(86_400)), grace: .seconds(3600), declared: true),
            HeartbeatSpec(name: "report", schedule: .cron(try CronSchedule(parsing: "0 3 * * mon-fri")), declared: true),
        ])
    }

    @Test func writersAllNeedsADatabaseServer() throws {
        var config = try ConfigLoader.parse(yaml: "storage:\n  writers: ALL")
        #expect(config.storage.writers == .all)
        #expect(throws: ConfigError.self) { try config.requireStorageForWriters() }
        config.storage.url = "postgres://alertgate@db/alertgate"
        try config.requireStorageForWriters()
        #expect(try ConfigLoader.parse(yaml: "").storage.writers == .one)
    }

    @Test(arguments: [
        ("http:\n  prot: 80", "http.prot"),
        ("http:\n  port: eighty", "http.port"),
        ("http:\n  port: 70000", "http.port"),
        ("http:\n  max_body_bytes: 10", "http.max_body_bytes"),
        ("storage:\n  synchronous: sometimes", "storage.synchronous"),
        ("storage:\n  writers: some", "storage.writers"),
        ("storage:\n  path: ''", "storage.path"),
        ("pipeline:\n  queue_capacity: 0", "pipeline.queue_capacity"),
        ("correlation:\n  resolve_timeout: soon", "correlation.resolve_timeout"),
        ("correlation:\n  group_by: cluster", "correlation.group_by"),
        ("correlaton:\n  reopen_window: 1h", "correlaton"),
        ("http: 5", "http"),
        ("- just\n- a list", "(file)"),
        ("http: [unclosed", "(file)"),
        ("heartbeats:\n  - {name: a, every: 1h, cron: '@daily'}", "heartbeats[0].every"),
        ("heartbeats:\n  - {name: a}", "heartbeats[0].every"),
        ("heartbeats:\n  - {every: 1h}", "heartbeats[0].name"),
        ("heartbeats:\n  - {name: 'a b', every: 1h}", "heartbeats[0].name"),
        ("heartbeats:\n  - {name: a, cron: '0 3 * *'}", "heartbeats[0].cron"),
        ("heartbeats:\n  - {name: a, every: 1h, period: 2h}", "heartbeats[0].period"),
        ("heartbeats:\n  - {name: a, every: 1h}\n  - {name: a, every: 2h}", "heartbeats[1].name"),
    ])
    func badConfigNamesTheKey(yaml: String, key: String) {
        do {
            _ = try ConfigLoader.parse(yaml: yaml)
            Issue.record("\(yaml) was accepted")
        } catch let error as ConfigError {
            #expect(error.key == key)
            #expect(error.description.contains(key))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
