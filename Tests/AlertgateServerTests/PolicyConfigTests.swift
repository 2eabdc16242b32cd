import AlertgateCore
import AlertgateServer
import Foundation
import Testing

/// The reloadable part of the YAML: catalog, rules, inhibition, maintenance, silences.
@Suite struct PolicyConfigTests {
    @Test func everyPolicySectionIsRead() throws {
        let config = try ConfigLoader.parse(yaml: """
            catalog:
              default_team: ops
              services:
                - name: checkout
                  team: payments
                  tier: 1
                  oncall: payments-primary
                  runbook: https://runbooks.example/checkout
                  aliases: [checkout-api, "checkout-*", "payment page"]
                  depends_on: [payments-db]
                  public: {name: Checkout, group: Shop}
                - {name: payments-db, tier: 2}
            severity_rules:
              - {name: db-pages, match: {service: [payments-db], severity: [critical, error]}, severity: sev1}
            type_rules:
              - {name: fraud, matchers: ["alertname=~Fraud.*"], type: security}
            escalation: {services: 3, user_reports: off}
            silences:
              - matchers: ["service=checkout", "alertname=~Disk.*"]
                starts_at: 2026-12-01T00:00:00Z
                ends_at: 2026-12-01T02:00:00Z
                comment: DB migration
                created_by: ops
            maintenance:
              - matchers: ["service=reports"]
                weekly: {days: [sun, Saturday], from: "22:00", to: "04:00", time_zone: Europe/Berlin}
            inhibit_rules:
              - source_matchers: ["alertname=DatacenterDown"]
                target_matchers: ["severity=~warning|critical"]
                equal: [datacenter]
            flapping: {resolves: 5, window: 1h, hold_down: 20m}
            thresholds:
              - {name: web-noise, match: {service: [web]}, count: 4, window: 5m}
            rollback: {lookback: 3h}
            """)
        let policy = config.policy
        let checkout = try #require(policy.catalog.service(named: "payment page"))
        #expect(checkout.name == "checkout" && checkout.team == "payments" && checkout.tier == 1 && checkout.oncall == "payments-primary")
        #expect(checkout.runbook == "https://runbooks.example/checkout" && checkout.dependsOn == ["payments-db"])
        #expect(checkout.publicName == "Checkout" && checkout.publicGroup == "Shop")
        #expect(policy.catalog.service(host: "checkout-5d8f")?.name == "checkout")
        #expect(policy.catalog.defaultTeam == "ops")
        #expect(policy.classification.severityRules.first?.name == "db-pages")
        #expect(policy.classification.severityRules.count == SeverityRule.defaults.count + 1)
        #expect(policy.classification.typeRules.first?.type == .security)
        #expect(policy.classification.escalateAtServices == 3 && policy.classification.escalateAtUserReports == nil)
        let silence = try #require(policy.silences.first)
        #expect(silence.matchers.map(\.description) == ["service=checkout", "alertname=~Disk.*"])
        #expect(silence.startsAt.rfc3339 == "2026-12-01T00:00:00.000Z" && silence.createdBy == "ops" && silence.configKey != nil)
        let window = try #require(policy.maintenance.first)
        #expect(window.weekdays == [1, 7] && window.fromMinute == 22 * 60 && window.toMinute == 4 * 60)
        #expect(window.timeZone.identifier == "Europe/Berlin")
        #expect(policy.correlation.inhibitRules.first?.equal == ["datacenter"])
        #expect(policy.correlation.flapping.resolves == 5 && policy.correlation.flapping.holdDown == .seconds(1200))
        #expect(policy.correlation.thresholds.first?.count == 4)
        #expect(policy.correlation.rollbackLookback == .seconds(3 * 3600))
    }

    @Test(arguments: [
        ("catalog: {services: [{name: a, tier: 4}]}", "catalog.services[0].tier"),
        ("catalog: {services: [{team: a}]}", "catalog.services[0].name"),
        ("catalog: {services: [{name: a, depends_on: [b]}]}", "catalog.services[0].depends_on"),
        ("catalog: {services: [{name: a}, {name: A}]}", "catalog.services[1].name"),
        ("catalog: {services: [{name: a, colour: red}]}", "catalog.services[0].colour"),
        ("severity_rules: [{match: {severity: [loud]}, severity: SEV1}]", "severity_rules[0].match.severity"),
        ("severity_rules: [{match: {service: [a]}}]", "severity_rules[0].severity"),
        ("type_rules: [{matchers: ['a=~('], type: outage}]", "type_rules[0].matchers[0]"),
        ("silences: [{matchers: ['a=b'], starts_at: 2026-12-01T02:00:00Z, ends_at: 2026-12-01T01:00:00Z}]", "silences[0].ends_at"),
        ("silences: [{matchers: ['a=~.*'], starts_at: 2026-12-01T00:00:00Z, ends_at: 2026-12-01T01:00:00Z}]", "silences[0].matchers"),
        ("maintenance: [{matchers: ['a=b'], weekly: {days: [someday], from: '01:00', to: '02:00'}}]", "maintenance[0].weekly.days"),
        ("maintenance: [{matchers: ['a=b'], weekly: {days: [mon], from: '01:00', to: '02:00', time_zone: Mars/Base}}]", "maintenance[0].weekly.time_zone"),
        ("inhibit_rules: [{target_matchers: ['a=b']}]", "inhibit_rules[0].source_matchers"),
        ("flapping: {hold_down: 0s}", "flapping.hold_down"),
        ("thresholds: [{count: 1, window: 1m}]", "thresholds[0].count"),
        ("rollback: {lookahead: 1h}", "rollback.lookahead"),
        ("type_rules: [{match: {type: [outage]}, type: security}]", "type_rules[0].match.type"),
        ("thresholds: [{match: {type: [outage]}, count: 2, window: 1m}]", "thresholds[0].match.type"),
    ])
    func mistakesNameTheirKey(yaml: String, key: String) {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml: yaml) }
        do {
            _ = try ConfigLoader.parse(yaml: yaml)
        } catch let error as ConfigError {
            #expect(error.key == key, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// YAML 1.1 reads an unquoted 12:00 as the base-60 number 720: the same minutes.
    @Test func unquotedTimesOfDayAreRead() throws {
        let config = try ConfigLoader.parse(yaml: "maintenance: [{matchers: ['a=b'], weekly: {days: [mon], from: 12:00, to: 13:30, time_zone: UTC}}]")
        let window = try #require(config.policy.maintenance.first)
        #expect(window.fromMinute == 720 && window.toMinute == 810)
        #expect(window.schedule == "mon 12:00–13:30 UTC")
    }

    /// deploy/alertgate.example.yaml, which README shows, loads as it is.
    @Test func theExampleConfigLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy/alertgate.example.yaml").standardized.path
        let config = try ConfigLoader.load(path: path)
        #expect(config.policy.catalog.services.count >= 5)
        #expect(!config.policy.correlation.inhibitRules.isEmpty)
        #expect(!config.policy.maintenance.isEmpty)
        #expect(config.policy.classification.severityRules.count > SeverityRule.defaults.count, "rules of its own before the defaults")
        #expect(config.policy.catalog.services.contains { !$0.dependsOn.isEmpty && $0.publicName != nil })
        // Receivers of every kind, routes, and escalation policies that the catalog's on-call names.
        let notifications = config.policy.notifications
        #expect(Set(notifications.receivers.values.map(\.kind)) == Set(Receiver.Kind.allCases))
        #expect(notifications.routes.count >= 2 && notifications.routes.contains(where: \.continue))
        #expect(config.policy.catalog.services.contains { service in notifications.escalations.contains { $0.name == service.oncall } })
    }
}
