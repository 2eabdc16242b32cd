import AlertgateCore
import Foundation

/// The reloadable part of the config file: catalog, rules, inhibition, maintenance and
/// silences (`Policy`). Every key is optional; an unknown key is an error naming it.
///
/// ```yaml
/// catalog:
///   default_team: ops
///   services:
///     - {name: checkout, team: payments, tier: 1, oncall: payments-primary, runbook: https://...,
///        aliases: [checkout-api, "checkout-*", "payment page"], depends_on: [payments-db],
///        public: {name: Checkout, group: Shop}}
/// severity_rules:     # first match wins; alertgate's defaults follow
///   - {name: db-pages, match: {service: [payments-db], severity: [critical, error]}, severity: SEV1}
/// type_rules:
///   - {name: fraud, matchers: ["alertname=~Fraud.*"], type: security}
/// escalation: {services: 2, user_reports: 3}
/// silences: [{matchers: ["service=checkout"], starts_at: ..., ends_at: ..., comment: ..., created_by: ...}]
/// maintenance: [{name: reports-weekly, matchers: ["service=reports"],
///                weekly: {days: [sun], from: "02:00", to: "04:00", time_zone: Europe/Berlin}}]
/// inhibit_rules: [{source_matchers: [...], target_matchers: [...], equal: [datacenter]}]
/// flapping: {resolves: 3, window: 30m, hold_down: 15m}
/// thresholds: [{name: web-noise, match: {service: [web]}, count: 4, window: 5m}]
/// rollback: {lookback: 2h}
/// heartbeats: [{name: nightly-backup, service: backups, every: 24h, grace: 1h}, {name: sync, cron: "*/15 * * * *"}]
/// ```
extension ConfigLoader {
    static let policyKeys: Set<String> = [
        "catalog", "severity_rules", "type_rules", "escalation", "silences", "maintenance", "inhibit_rules", "flapping", "thresholds", "rollback",
        "heartbeats",
    ]

    static func parsePolicy(_ key: String, _ value: Any, into policy: inout Policy) throws {
        switch key {
        case "catalog": policy.catalog = try catalog(value)
        case "severity_rules":
            let rules = try list(value, key).enumerated().map { try severityRule($1, "\(key)[\($0)]") }
            policy.classification.severityRules = rules + SeverityRule.defaults
        case "type_rules":
            let rules = try list(value, key).enumerated().map { try typeRule($1, "\(key)[\($0)]") }
            policy.classification.typeRules = rules + TypeRule.defaults
        case "escalation":
            for (name, item) in try section(value, key) {
                switch name {
                case "services": policy.classification.escalateAtServices = try optionalCount(item, "\(key).\(name)")
                case "user_reports": policy.classification.escalateAtUserReports = try optionalCount(item, "\(key).\(name)")
                default: throw unknown("\(key).\(name)")
                }
            }
        case "silences": policy.silences = try list(value, key).enumerated().map { try silence($1, "\(key)[\($0)]") }
        case "maintenance": policy.maintenance = try list(value, key).enumerated().map { try maintenance($1, "\(key)[\($0)]", index: $0) }
        case "inhibit_rules": policy.correlation.inhibitRules = try list(value, key).enumerated().map { try inhibitRule($1, "\(key)[\($0)]") }
        case "flapping":
            for (name, item) in try section(value, key) {
                switch name {
                case "resolves": policy.correlation.flapping.resolves = try optionalCount(item, "\(key).\(name)")
                case "window": policy.correlation.flapping.window = try positiveDuration(item, "\(key).\(name)")
                case "hold_down": policy.correlation.flapping.holdDown = try positiveDuration(item, "\(key).\(name)")
                default: throw unknown("\(key).\(name)")
                }
            }
        case "thresholds": policy.correlation.thresholds = try list(value, key).enumerated().map { try threshold($1, "\(key)[\($0)]") }
        case "rollback":
            for (name, item) in try section(value, key) {
                switch name {
                case "lookback": policy.correlation.rollbackLookback = try positiveDuration(item, "\(key).\(name)")
                default: throw unknown("\(key).\(name)")
                }
            }
        case "heartbeats":
            let heartbeats = try list(value, key).enumerated().map { try heartbeat($1, "\(key)[\($0)]") }
            var seen = Set<String>()
            for (index, heartbeat) in heartbeats.enumerated() where !seen.insert(heartbeat.name).inserted {
                throw ConfigError(key: "\(key)[\(index)].name", message: "`\(heartbeat.name)` is declared twice")
            }
            policy.heartbeats = heartbeats
        default: throw unknown(key)
        }
    }

    /// `{name, service, every | cron, grace}`: a ping every period, or at the times a cron
    /// expression names (UTC), late by at most the grace (1h unless set).
    static func heartbeat(_ value: Any, _ key: String) throws -> HeartbeatSpec {
        var spec = HeartbeatSpec(name: "", declared: true)
        var schedules: [HeartbeatSchedule] = []
        for (field, item) in try section(value, key) {
            let name = "\(key).\(field)"
            switch field {
            case "name":
                spec.name = try string(item, name)
                guard HeartbeatSpec.isValidName(spec.name) else {
                    throw ConfigError(key: name, message: "must be 1 to 128 letters, digits, `.`, `_` or `-` (it is part of the ping URL)")
                }
            case "service": spec.service = try string(item, name)
            case "every": schedules.append(.every(try positiveDuration(item, name)))
            case "cron":
                do { schedules.append(.cron(try CronSchedule(parsing: try string(item, name)))) } catch let error as CronSchedule.ParseError {
                    throw ConfigError(key: name, message: error.description)
                }
            case "grace": spec.grace = try duration(item, name)
            default: throw unknown(name)
            }
        }
        guard !spec.name.isEmpty else { throw ConfigError(key: "\(key).name", message: "a heartbeat needs a name") }
        guard schedules.count == 1, let schedule = schedules.first else {
            throw ConfigError(key: "\(key).every", message: "a heartbeat needs either `every` (a period such as 24h) or `cron` (such as \"0 3 * * *\"), not both")
        }
        spec.schedule = schedule
        return spec
    }

    // MARK: - Catalog

    static func catalog(_ value: Any) throws -> ServiceCatalog {
        var services: [ServiceCatalog.Service] = []
        var defaultTeam: String?
        for (name, item) in try section(value, "catalog") {
            switch name {
            case "default_team": defaultTeam = try string(item, "catalog.default_team")
            case "services":
                for (index, entry) in try list(item, "catalog.services").enumerated() {
                    services.append(try service(entry, "catalog.services[\(index)]"))
                }
            default: throw unknown("catalog.\(name)")
            }
        }
        var seen: Set<String> = []
        for (index, service) in services.enumerated() {
            guard seen.insert(service.name.lowercased()).inserted else {
                throw ConfigError(key: "catalog.services[\(index)].name", message: "`\(service.name)` is already in the catalog")
            }
        }
        let names = Set(services.map(\.name))
        for (index, service) in services.enumerated() {
            for dependency in service.dependsOn where !names.contains(dependency) {
                throw ConfigError(key: "catalog.services[\(index)].depends_on", message: "`\(dependency)` is not a service in the catalog")
            }
        }
        return ServiceCatalog(services: services, defaultTeam: defaultTeam)
    }

    static func service(_ value: Any, _ key: String) throws -> ServiceCatalog.Service {
        var service = ServiceCatalog.Service(name: "")
        for (name, item) in try section(value, key) {
            let field = "\(key).\(name)"
            switch name {
            case "name": service.name = try string(item, field)
            case "team": service.team = try string(item, field)
            case "tier":
                let tier = try integer(item, field)
                guard (1...3).contains(tier) else { throw ConfigError(key: field, message: "must be 1, 2 or 3, got \(tier)") }
                service.tier = tier
            case "oncall": service.oncall = try string(item, field)
            case "runbook": service.runbook = try string(item, field)
            case "aliases": service.aliases = try strings(item, field)
            case "depends_on": service.dependsOn = try strings(item, field)
            case "public":
                for (part, text) in try section(item, field) {
                    switch part {
                    case "name": service.publicName = try string(text, "\(field).name")
                    case "group": service.publicGroup = try string(text, "\(field).group")
                    case "page":
                        let page = try string(text, "\(field).page")
                        guard Self.isPageName(page) else {
                            throw ConfigError(key: "\(field).page", message: "must be lowercase letters, digits and dashes (the page is /status/\(page)), and not \"report\"")
                        }
                        service.publicPage = page
                    default: throw unknown("\(field).\(part)")
                    }
                }
            default: throw unknown(field)
            }
        }
        guard !service.name.isEmpty else { throw ConfigError(key: "\(key).name", message: "every service needs a name") }
        return service
    }

    /// A named status page's name: a URL path segment of its own, not one of `/status`'s own.
    static func isPageName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name != "report" && name.first != "-"
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    // MARK: - Rules

    /// `type` (the type the type rules give) only in severity rules, which run after them.
    static func condition(_ map: [(String, Any)], _ key: String, allowsType: Bool) throws -> SignalCondition {
        var condition = SignalCondition()
        for (name, item) in map {
            let field = "\(key).match.\(name)"
            switch name {
            case "source": condition.sources = Set(try strings(item, field).map { try enumValue(SignalSource.self, $0, field) })
            case "service": condition.services = Set(try strings(item, field))
            case "tier": condition.tiers = Set(try strings(item, field).map { try integer($0, field) })
            case "severity": condition.severities = Set(try strings(item, field).map { try enumValue(Severity.self, $0.lowercased(), field) })
            case "kind": condition.kinds = Set(try strings(item, field).map { try enumValue(SignalKind.self, $0, field) })
            case "type" where allowsType: condition.types = Set(try strings(item, field).map { try enumValue(IncidentType.self, $0, field) })
            default: throw unknown(field)
            }
        }
        return condition
    }

    /// A rule's `name`, `match` and `matchers`, and the fields it adds (passed to `extra`).
    static func rule(_ value: Any, _ key: String, allowsType: Bool = false, extra: (String, Any) throws -> Bool) throws -> (name: String?, condition: SignalCondition) {
        var name: String?
        var condition = SignalCondition()
        var matchers: [LabelMatcher] = []
        for (field, item) in try section(value, key) {
            switch field {
            case "name": name = try string(item, "\(key).name")
            case "match": condition = try self.condition(try section(item, "\(key).match"), key, allowsType: allowsType)
            case "matchers": matchers = try self.matchers(item, "\(key).matchers")
            default: guard try extra(field, item) else { throw unknown("\(key).\(field)") }
            }
        }
        condition.matchers = matchers
        return (name, condition)
    }

    static func severityRule(_ value: Any, _ key: String) throws -> SeverityRule {
        var severity: IncidentSeverity?
        let (name, condition) = try rule(value, key, allowsType: true) { field, item in
            guard field == "severity" else { return false }
            severity = try enumValue(IncidentSeverity.self, try string(item, "\(key).severity").uppercased(), "\(key).severity")
            return true
        }
        guard let severity else { throw ConfigError(key: "\(key).severity", message: "a severity rule needs a severity (SEV1..SEV4)") }
        return SeverityRule(name: name ?? key, condition: condition, severity: severity)
    }

    static func typeRule(_ value: Any, _ key: String) throws -> TypeRule {
        var type: IncidentType?
        let (name, condition) = try rule(value, key) { field, item in
            guard field == "type" else { return false }
            type = try enumValue(IncidentType.self, try string(item, "\(key).type"), "\(key).type")
            return true
        }
        guard let type else { throw ConfigError(key: "\(key).type", message: "a type rule needs a type (outage, degradation, security, user_issue)") }
        return TypeRule(name: name ?? key, condition: condition, type: type)
    }

    static func threshold(_ value: Any, _ key: String) throws -> ThresholdRule {
        var count: Int?
        var window: Duration?
        let (name, condition) = try rule(value, key) { field, item in
            switch field {
            case "count":
                count = try integer(item, "\(key).count")
                guard count! >= 2 else { throw ConfigError(key: "\(key).count", message: "must be at least 2") }
            case "window": window = try positiveDuration(item, "\(key).window")
            default: return false
            }
            return true
        }
        guard let count else { throw ConfigError(key: "\(key).count", message: "a threshold needs a count") }
        guard let window else { throw ConfigError(key: "\(key).window", message: "a threshold needs a window") }
        return ThresholdRule(name: name ?? key, condition: condition, count: count, window: window)
    }

    static func inhibitRule(_ value: Any, _ key: String) throws -> InhibitRule {
        var rule = InhibitRule(sourceMatchers: [], targetMatchers: [])
        for (field, item) in try section(value, key) {
            switch field {
            case "source_matchers": rule.sourceMatchers = try matchers(item, "\(key).source_matchers")
            case "target_matchers": rule.targetMatchers = try matchers(item, "\(key).target_matchers")
            case "equal": rule.equal = try strings(item, "\(key).equal")
            default: throw unknown("\(key).\(field)")
            }
        }
        guard !rule.sourceMatchers.isEmpty else { throw ConfigError(key: "\(key).source_matchers", message: "needs at least one matcher") }
        guard !rule.targetMatchers.isEmpty else { throw ConfigError(key: "\(key).target_matchers", message: "needs at least one matcher") }
        return rule
    }

    // MARK: - Values

    static func list(_ value: Any, _ key: String) throws -> [Any] {
        guard let items = value as? [Any] else { throw ConfigError(key: key, message: "must be a list") }
        return items
    }

    static func strings(_ value: Any, _ key: String) throws -> [String] {
        if let single = value as? String { return [single] }
        return try list(value, key).enumerated().map { try string($1, "\(key)[\($0)]") }
    }

    static func matchers(_ value: Any, _ key: String) throws -> [LabelMatcher] {
        try strings(value, key).enumerated().map { index, text in
            do {
                return try LabelMatcher(parsing: text)
            } catch {
                throw ConfigError(key: "\(key)[\(index)]", message: (error as? MatcherError)?.message ?? "\(error)")
            }
        }
    }

    static func enumValue<T: RawRepresentable>(_ type: T.Type, _ text: String, _ key: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else { throw ConfigError(key: key, message: "`\(text)` is not a known value") }
        return value
    }

    /// A count, or `off` (also `false` or null) to turn the rule off.
    static func optionalCount(_ value: Any?, _ key: String) throws -> Int? {
        switch value {
        case nil, is NSNull: return nil
        case let flag as Bool where flag == false: return nil
        case let text as String where text == "off": return nil
        default:
            let count = try integer(value as Any, key)
            guard count >= 1 else { throw ConfigError(key: key, message: "must be at least 1, or off") }
            return count
        }
    }

    static func positiveDuration(_ value: Any, _ key: String) throws -> Duration {
        let value = try duration(value, key)
        guard value > .zero else { throw ConfigError(key: key, message: "must be positive") }
        return value
    }

    static func time(_ value: Any, _ key: String) throws -> Timestamp {
        if let date = value as? Date { return Timestamp(date) }
        if let text = value as? String, let time = RFC3339.parse(text) { return time }
        throw ConfigError(key: key, message: "must be an RFC 3339 time such as 2026-12-01T02:00:00Z")
    }

    /// `HH:MM` → minutes after midnight. Unquoted, YAML 1.1 reads `12:00` as the base-60
    /// number 720, which is the same count of minutes.
    static func clockTime(_ value: Any, _ key: String) throws -> Int {
        if let minutes = value as? Int {
            guard (0...(24 * 60)).contains(minutes) else { throw ConfigError(key: key, message: "must be a time of day such as \"02:00\"") }
            return minutes
        }
        let text = try string(value, key)
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0...59).contains(minute),
              hour * 60 + minute <= 24 * 60 else {
            throw ConfigError(key: key, message: "must be a time of day such as 02:00, got \(text)")
        }
        return hour * 60 + minute
    }
}
