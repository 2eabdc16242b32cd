import AlertgateCore
import AlertgateServer
import Foundation
import Testing

/// Receivers, routes, escalation policies and the sender's settings in the YAML config.
@Suite struct NotificationConfigTests {
    static let yaml = """
        receivers:
          - {name: payments-hook, webhook: {url: "http://127.0.0.1:9000/hook", secret: s3cret, headers: {X-Team: payments}}}
          - {name: chat, slack: {url: "https://hooks.slack.example/services/x", channel: "#incidents"}}
          - {name: team-am, alertmanager: {url: "http://127.0.0.1:9093"}}
          - {name: pager, pagerduty: {routing_key: R0UTING}}
        routes:
          - name: payments
            match: {team: payments, severity: [SEV1, sev2], type: outage}
            matchers: ["region=~eu|us"]
            receivers: [payments-hook, pager]
            send: [opened, escalated, acknowledged, resolved, public_update]
            group_wait: 10s
            repeat_interval: 30m
            continue: true
          - {receivers: [chat], repeat_interval: off}
        escalations:
          - name: payments-primary
            team: payments
            repeat_every: 1h
            steps: [{notify: [pager], after: 15m}, {notify: [payments-hook], after: 0m}]
        notify: {timeout: 5s, max_age: 2h, concurrency: 8, retry_initial: 500ms, retry_max: 1m, poll_interval: 2s}
        http: {external_url: "https://alertgate.example/"}
        """

    @Test func everyNotificationSectionIsRead() throws {
        let config = try ConfigLoader.parse(yaml: Self.yaml)
        let notifications = config.policy.notifications
        #expect(notifications.receivers.count == 4)
        let hook = try #require(notifications.receivers["payments-hook"])
        #expect(hook.kind == .webhook && hook.secret == "s3cret" && hook.headers == ["X-Team": "payments"])
        #expect(notifications.receivers["chat"]?.channel == "#incidents")
        #expect(notifications.receivers["team-am"]?.kind == .alertmanager)
        // A PagerDuty receiver without a url goes to PagerDuty's own.
        #expect(notifications.receivers["pager"]?.url == Receiver.pagerDutyEventsURL && notifications.receivers["pager"]?.routingKey == "R0UTING")

        #expect(notifications.routes.count == 2)
        let route = notifications.routes[0]
        #expect(route.name == "payments" && route.receivers == ["payments-hook", "pager"] && route.continue)
        #expect(route.match.teams == ["payments"] && route.match.severities == [.sev1, .sev2] && route.match.types == [.outage])
        #expect(route.match.matchers.map(\.description) == ["region=~eu|us"])
        #expect(route.send == [.opened, .escalated, .acknowledged, .resolved, .publicUpdate])
        #expect(route.groupWait == .seconds(10) && route.repeatInterval == .seconds(1800))
        // Unsaid: Alertmanager's group wait, no repeat when turned off, named by position.
        let rest = notifications.routes[1]
        #expect(rest.name == "routes[1]" && rest.groupWait == Route.defaultGroupWait && rest.repeatInterval == nil && !rest.continue)
        #expect(rest.send == Route.Event.defaults)

        let escalation = try #require(notifications.escalations.first)
        #expect(escalation.name == "payments-primary" && escalation.team == "payments" && escalation.repeatEvery == .seconds(3600))
        // Steps are kept in the order of their times.
        #expect(escalation.steps.map(\.notify) == [["payments-hook"], ["pager"]])
        #expect(escalation.steps.map(\.after) == [.zero, .seconds(900)])

        #expect(config.notify.timeout == .seconds(5) && config.notify.maxAge == .seconds(7200) && config.notify.concurrency == 8)
        #expect(config.notify.retryInitial == .milliseconds(500) && config.notify.retryMax == .seconds(60) && config.notify.pollInterval == .seconds(2))
        #expect(config.http.externalURL == "https://alertgate.example/")
    }

    @Test(arguments: [
        ("receivers: [{name: x}]", "receivers[0]"),
        ("receivers: [{name: x, webhook: {url: 'ftp://a'}}]", "receivers[0].webhook.url"),
        ("receivers: [{name: x, webhook: {url: 'http://a', routing_key: k}}]", "receivers[0].webhook.routing_key"),
        ("receivers: [{name: x, pagerduty: {}}]", "receivers[0].pagerduty.routing_key"),
        ("receivers: [{name: x, slack: {url: 'http://a'}, webhook: {url: 'http://b'}}]", "receivers[0].webhook"),
        ("receivers: [{name: x, email: {to: a}}]", "receivers[0].email"),
        ("receivers: [{name: x, webhook: {url: 'http://a'}}, {name: x, webhook: {url: 'http://b'}}]", "receivers[1].name"),
        ("routes: [{receivers: [nobody]}]", "routes[0].receivers"),
        ("routes: [{receivers: []}]", "routes[0].receivers"),
        ("receivers: [{name: x, webhook: {url: 'http://a'}}]\nroutes: [{receivers: [x], send: [opened, paged]}]", "routes[0].send[1]"),
        ("receivers: [{name: x, webhook: {url: 'http://a'}}]\nroutes: [{receivers: [x], match: {severity: [SEV9]}}]", "routes[0].match.severity"),
        ("receivers: [{name: x, webhook: {url: 'http://a'}}]\nroutes: [{receivers: [x], match: {owner: a}}]", "routes[0].match.owner"),
        ("receivers: [{name: x, webhook: {url: 'http://a'}}]\nroutes: [{receivers: [x], continue: maybe}]", "routes[0].continue"),
        ("escalations: [{name: p, steps: []}]", "escalations[0].steps"),
        ("escalations: [{steps: [{notify: [x]}]}]", "escalations[0].name"),
        ("escalations: [{name: p, steps: [{notify: [nobody]}]}]", "escalations[0].steps[0].notify"),
        ("escalations: [{name: p, steps: [{notify: []}]}]", "escalations[0].steps[0].notify"),
        ("notify: {concurrency: 0}", "notify.concurrency"),
        ("notify: {timeout: 0s}", "notify.timeout"),
        ("notify: {retries: 3}", "notify.retries"),
        // Tokens (in this list for its key checks).
        ("auth: {tokens: [{name: a, sha256: agt_plain_token, scopes: [read]}]}", "auth.tokens[0].sha256"),
        ("auth: {tokens: [{name: a, sha256: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', scopes: [root]}]}", "auth.tokens[0].scopes[0]"),
        ("auth: {tokens: [{name: a, sha256: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}]}", "auth.tokens[0].scopes"),
        ("auth: {tokens: [{sha256: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', scopes: [read]}]}", "auth.tokens[0].name"),
        ("auth: {users: []}", "auth.users"),
        ("http: {insecure: sometimes}", "http.insecure"),
        ("http: {rate_limit_per_token: {burst: 5}}", "http.rate_limit_per_token.rate"),
        ("http: {rate_limit_per_address: {rate: -1}}", "http.rate_limit_per_address.rate"),
        ("http: {rate_limit_per_address: {rate: 5, period: 1m}}", "http.rate_limit_per_address.period"),
    ])
    func mistakesNameTheirKey(yaml: String, key: String) {
        do {
            _ = try ConfigLoader.parse(yaml: yaml)
            Issue.record("\(yaml) loaded")
        } catch let error as ConfigError {
            #expect(error.key == key, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
