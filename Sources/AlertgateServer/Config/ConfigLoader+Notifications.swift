import AlertgateCore
import Foundation

/// The notification part of the policy: receivers, routes and escalation policies (reloaded
/// with the rest of the policy). Routes and steps must name receivers the file declares.
///
/// ```yaml
/// receivers:
///   - {name: payments-hook, webhook: {url: http://127.0.0.1:9000/hook, secret: "...", headers: {X-Team: payments}}}
///   - {name: chat, slack: {url: https://hooks.slack.com/services/..., channel: "#incidents"}}
///   - {name: team-am, alertmanager: {url: http://127.0.0.1:9093}}
///   - {name: pager, pagerduty: {routing_key: "...", url: https://events.pagerduty.com/v2/enqueue}}
/// routes:             # first match wins unless continue: true
///   - {name: payments, match: {team: payments, severity: [SEV1, SEV2]}, matchers: ["cluster=eu"],
///      receivers: [payments-hook], send: [opened, escalated, acknowledged, resolved],
///      group_wait: 10s, repeat_interval: 30m, continue: false}
/// escalations:
///   - {name: payments-primary, team: payments, repeat_every: 30m,
///      steps: [{notify: [payments-hook], after: 0m}, {notify: [ops-hook], after: 15m}]}
/// ```
extension ConfigLoader {
    static let notificationKeys: Set<String> = ["receivers", "routes", "escalations"]

    static func parseNotifications(_ key: String, _ value: Any, into policy: inout NotificationPolicy) throws {
        switch key {
        case "receivers":
            policy.receivers = [:]
            for (index, item) in try list(value, key).enumerated() {
                let receiver = try self.receiver(item, "\(key)[\(index)]")
                guard policy.receivers[receiver.name] == nil else {
                    throw ConfigError(key: "\(key)[\(index)].name", message: "`\(receiver.name)` is declared twice")
                }
                policy.receivers[receiver.name] = receiver
            }
        case "routes": policy.routes = try list(value, key).enumerated().map { try route($1, "\(key)[\($0)]") }
        case "escalations": policy.escalations = try list(value, key).enumerated().map { try escalation($1, "\(key)[\($0)]") }
        default: throw unknown(key)
        }
    }

    /// `notify:`, the sender's settings (read at start; a reload does not change them).
    static func notify(_ value: Any, onto base: GatewayConfig.Notify) throws -> GatewayConfig.Notify {
        var notify = base
        for (name, item) in try section(value, "notify") {
            let key = "notify.\(name)"
            switch name {
            case "timeout": notify.timeout = try positiveDuration(item, key)
            case "max_age": notify.maxAge = try positiveDuration(item, key)
            case "concurrency": notify.concurrency = try integer(item, key)
            case "retry_initial": notify.retryInitial = try positiveDuration(item, key)
            case "retry_max": notify.retryMax = try positiveDuration(item, key)
            case "poll_interval": notify.pollInterval = try positiveDuration(item, key)
            default: throw unknown(key)
            }
        }
        return notify
    }

    /// Every receiver a route or step names exists; escalation names are unique.
    static func validate(_ policy: NotificationPolicy) throws {
        for (index, route) in policy.routes.enumerated() {
            for name in route.receivers where policy.receivers[name] == nil {
                throw ConfigError(key: "routes[\(index)].receivers", message: "names `\(name)`, which is not a receiver")
            }
        }
        var names: Set<String> = []
        for (index, escalation) in policy.escalations.enumerated() {
            guard names.insert(escalation.name).inserted else {
                throw ConfigError(key: "escalations[\(index)].name", message: "`\(escalation.name)` is declared twice")
            }
            for (step, item) in escalation.steps.enumerated() {
                for name in item.notify where policy.receivers[name] == nil {
                    throw ConfigError(key: "escalations[\(index)].steps[\(step)].notify", message: "names `\(name)`, which is not a receiver")
                }
            }
        }
    }

    static func receiver(_ value: Any, _ key: String) throws -> Receiver {
        var name: String?
        var kind: Receiver.Kind?
        var fields: [(String, Any)] = []
        for (field, item) in try section(value, key) {
            if field == "name" {
                name = try string(item, "\(key).name")
            } else if let found = Receiver.Kind(rawValue: field) {
                guard kind == nil else { throw ConfigError(key: "\(key).\(field)", message: "a receiver has one kind; it also has \(kind!.rawValue)") }
                kind = found
                fields = try section(item, "\(key).\(field)")
            } else {
                throw unknown("\(key).\(field)")
            }
        }
        guard let name, !name.isEmpty else { throw ConfigError(key: "\(key).name", message: "a receiver needs a name") }
        guard let kind else {
            throw ConfigError(key: key, message: "a receiver needs one of \(Receiver.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let base = "\(key).\(kind.rawValue)"
        var receiver = Receiver(name: name, kind: kind, url: kind == .pagerduty ? Receiver.pagerDutyEventsURL : "")
        for (field, item) in fields {
            switch (field, kind) {
            case ("url", _): receiver.url = try url(item, "\(base).url")
            case ("headers", _):
                for (header, text) in try section(item, "\(base).headers") { receiver.headers[header] = try string(text, "\(base).headers.\(header)") }
            case ("secret", .webhook): receiver.secret = try string(item, "\(base).secret")
            case ("channel", .slack): receiver.channel = try string(item, "\(base).channel")
            case ("routing_key", .pagerduty): receiver.routingKey = try string(item, "\(base).routing_key")
            default: throw unknown("\(base).\(field)")
            }
        }
        guard !receiver.url.isEmpty else { throw ConfigError(key: "\(base).url", message: "a \(kind.rawValue) receiver needs a url") }
        if kind == .pagerduty, receiver.routingKey == nil {
            throw ConfigError(key: "\(base).routing_key", message: "a pagerduty receiver needs a routing_key")
        }
        return receiver
    }

    static func url(_ value: Any, _ key: String) throws -> String {
        let text = try string(value, key)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigError(key: key, message: "must be an http or https URL, got \(text)")
        }
        return text
    }

    static func route(_ value: Any, _ key: String) throws -> Route {
        var route = Route(name: key, receivers: [])
        for (field, item) in try section(value, key) {
            switch field {
            case "name": route.name = try string(item, "\(key).name")
            case "match": route.match = try incidentMatch(item, "\(key).match", matchers: route.match.matchers)
            case "matchers": route.match.matchers = try matchers(item, "\(key).matchers")
            case "receivers": route.receivers = try strings(item, "\(key).receivers")
            case "send":
                route.send = Set(try strings(item, "\(key).send").enumerated().map { index, text in
                    try enumValue(Route.Event.self, text, "\(key).send[\(index)]")
                })
            case "group_wait": route.groupWait = try duration(item, "\(key).group_wait")
            case "repeat_interval":
                // `off` (YAML 1.1 reads it as false): never repeat.
                if (item as? String) == "off" || (item as? Bool) == false { route.repeatInterval = nil } else {
                    route.repeatInterval = try positiveDuration(item, "\(key).repeat_interval")
                }
            case "continue":
                guard let flag = item as? Bool else { throw ConfigError(key: "\(key).continue", message: "must be true or false") }
                route.continue = flag
            default: throw unknown("\(key).\(field)")
            }
        }
        guard !route.receivers.isEmpty else { throw ConfigError(key: "\(key).receivers", message: "a route needs at least one receiver") }
        return route
    }

    /// `{team, service, severity, type}`, each one value or a list.
    static func incidentMatch(_ value: Any, _ key: String, matchers: [LabelMatcher]) throws -> IncidentMatch {
        var match = IncidentMatch(matchers: matchers)
        for (field, item) in try section(value, key) {
            let values = try strings(item, "\(key).\(field)")
            switch field {
            case "team": match.teams = Set(values)
            case "service": match.services = Set(values)
            case "severity":
                match.severities = Set(try values.map { try enumValue(IncidentSeverity.self, $0.uppercased(), "\(key).severity") })
            case "type": match.types = Set(try values.map { try enumValue(IncidentType.self, $0, "\(key).type") })
            default: throw unknown("\(key).\(field)")
            }
        }
        return match
    }

    static func escalation(_ value: Any, _ key: String) throws -> EscalationPolicy {
        var name: String?
        var team: String?
        var match = IncidentMatch()
        var steps: [EscalationPolicy.Step] = []
        var repeatEvery = EscalationPolicy.defaultRepeatEvery
        for (field, item) in try section(value, key) {
            switch field {
            case "name": name = try string(item, "\(key).name")
            case "team": team = try string(item, "\(key).team")
            case "match": match = try incidentMatch(item, "\(key).match", matchers: match.matchers)
            case "matchers": match.matchers = try matchers(item, "\(key).matchers")
            case "repeat_every": repeatEvery = try positiveDuration(item, "\(key).repeat_every")
            case "steps":
                steps = try list(item, "\(key).steps").enumerated().map { index, entry in
                    let stepKey = "\(key).steps[\(index)]"
                    var step = EscalationPolicy.Step(notify: [], after: .zero)
                    for (stepField, stepItem) in try section(entry, stepKey) {
                        switch stepField {
                        case "notify": step.notify = try strings(stepItem, "\(stepKey).notify")
                        case "after": step.after = try duration(stepItem, "\(stepKey).after")
                        default: throw unknown("\(stepKey).\(stepField)")
                        }
                    }
                    guard !step.notify.isEmpty else { throw ConfigError(key: "\(stepKey).notify", message: "a step needs at least one receiver") }
                    return step
                }
            default: throw unknown("\(key).\(field)")
            }
        }
        guard let name, !name.isEmpty else { throw ConfigError(key: "\(key).name", message: "an escalation policy needs a name") }
        guard !steps.isEmpty else { throw ConfigError(key: "\(key).steps", message: "an escalation policy needs at least one step") }
        return EscalationPolicy(name: name, team: team, match: match, steps: steps, repeatEvery: repeatEvery)
    }
}
