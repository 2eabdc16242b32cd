/// What a route or an escalation policy matches on an incident. Every part given must match;
/// an empty match takes every incident.
public struct IncidentMatch: Hashable, Sendable {
    /// The owning team (`owner`).
    public var teams: Set<String>?
    /// Any of the incident's services.
    public var services: Set<String>?
    public var severities: Set<IncidentSeverity>?
    public var types: Set<IncidentType>?
    /// Alertmanager matchers over the incident's labels (those of the signal that opened it)
    /// and `service`, `team`, `severity` (SEV1..SEV4), `type`, `alertname` (its title).
    public var matchers: [LabelMatcher]

    public init(teams: Set<String>? = nil, services: Set<String>? = nil, severities: Set<IncidentSeverity>? = nil,
                types: Set<IncidentType>? = nil, matchers: [LabelMatcher] = []) {
        self.teams = teams
        self.services = services
        self.severities = severities
        self.types = types
        self.matchers = matchers
    }

    public func matches(_ incident: IncidentState) -> Bool {
        if let teams, !teams.contains(incident.owner ?? "") { return false }
        if let services, !incident.services.contains(where: services.contains), !services.contains(incident.service) { return false }
        if let severities, !severities.contains(incident.severity) { return false }
        if let types, !types.contains(incident.type) { return false }
        for matcher in matchers where !matcher.matches({ IncidentMatch.value($0, of: incident) }) { return false }
        return true
    }

    /// The value a matcher sees for `name` on an incident.
    public static func value(_ name: String, of incident: IncidentState) -> String? {
        switch name {
        case "service": incident.service
        case "team": incident.owner
        case "severity": incident.severity.rawValue
        case "type": incident.type.rawValue
        case "status": incident.status.rawValue
        case "alertname": incident.labels["alertname"] ?? incident.title
        default: incident.labels[name]
        }
    }
}
