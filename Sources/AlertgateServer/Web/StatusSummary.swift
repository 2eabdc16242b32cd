import AlertgateCore

/// The public status page's data in the shape of Atlassian Statuspage's `summary.json`
/// (`/status.json`, `/api/v2/summary.json`), so that status widgets and monitors written for
/// Statuspage read it. Built from what is public only:
///
/// - components are the catalog's services with a public name, in catalog order, each group a
///   component of its own (`group: true`) that lists its members, as Statuspage does;
/// - a component's state is the worst that its open incidents' type and severity give
///   (`componentState`); a security incident changes no state by itself (disclosing it is a
///   person's decision);
/// - an incident appears once an engineer posted a public update to it, under a name made of
///   its public components and impact, never its internal title; its updates are its public
///   timeline lines, newest first.
///
/// A pure function of its inputs: the routes read them (`StatusRoutes`).
struct StatusSummary: Encodable {
    struct Page: Encodable {
        var id: String
        var name: String
        var url: String
        var timeZone: String
        var updatedAt: Timestamp

        enum CodingKeys: String, CodingKey { case id, name, url, timeZone = "time_zone", updatedAt = "updated_at" }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(url, forKey: .url)
            try c.encode(timeZone, forKey: .timeZone)
            try c.encode(updatedAt.rfc3339, forKey: .updatedAt)
        }
    }

    /// Statuspage's component states, worst last.
    enum ComponentState: String, Encodable, Comparable, CaseIterable {
        case operational, underMaintenance = "under_maintenance", degradedPerformance = "degraded_performance"
        case partialOutage = "partial_outage", majorOutage = "major_outage"

        private var rank: Int {
            switch self {
            case .operational: 0
            case .underMaintenance: 1
            case .degradedPerformance: 2
            case .partialOutage: 3
            case .majorOutage: 4
            }
        }

        static func < (a: ComponentState, b: ComponentState) -> Bool { a.rank < b.rank }

        /// The page's indicator and description when this is the worst state on it.
        var pageStatus: (indicator: String, description: String) {
            switch self {
            case .operational: ("none", "All Systems Operational")
            case .underMaintenance: ("maintenance", "Service Under Maintenance")
            case .degradedPerformance: ("minor", "Minor Service Outage")
            case .partialOutage: ("major", "Partial System Outage")
            case .majorOutage: ("critical", "Major System Outage")
            }
        }

        /// How it reads in an incident's public name.
        var phrase: String {
            switch self {
            case .operational: "service disruption"
            case .underMaintenance: "maintenance"
            case .degradedPerformance: "degraded performance"
            case .partialOutage: "partial outage"
            case .majorOutage: "major outage"
            }
        }
    }

    struct Component: Encodable {
        var id: String
        var name: String
        var status: ComponentState
        var position: Int
        var groupID: String?
        /// For a group: the ids of its members.
        var members: [String]?
        var createdAt: Timestamp
        var updatedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case id, name, status, description, position, group, components, showcase
            case groupID = "group_id", createdAt = "created_at", updatedAt = "updated_at", onlyShowIfDegraded = "only_show_if_degraded"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(status, forKey: .status)
            try c.encodeNil(forKey: .description)
            try c.encode(position, forKey: .position)
            try c.encode(groupID, forKey: .groupID)
            try c.encode(members != nil, forKey: .group)
            if let members { try c.encode(members, forKey: .components) }
            try c.encode(true, forKey: .showcase)
            try c.encode(false, forKey: .onlyShowIfDegraded)
            try c.encode(createdAt.rfc3339, forKey: .createdAt)
            try c.encode(updatedAt.rfc3339, forKey: .updatedAt)
        }
    }

    struct Update: Encodable {
        var id: Int64
        var incidentID: Int64
        var status: String
        var body: String
        var at: Timestamp

        enum CodingKeys: String, CodingKey {
            case id, status, body
            case incidentID = "incident_id", createdAt = "created_at", updatedAt = "updated_at", displayAt = "display_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(String(id), forKey: .id)
            try c.encode(String(incidentID), forKey: .incidentID)
            try c.encode(status, forKey: .status)
            try c.encode(body, forKey: .body)
            let at = self.at.rfc3339
            try c.encode(at, forKey: .createdAt)
            try c.encode(at, forKey: .updatedAt)
            try c.encode(at, forKey: .displayAt)
        }
    }

    struct Incident: Encodable {
        var id: Int64
        var name: String
        var status: String
        var impact: String
        var createdAt: Timestamp
        var updatedAt: Timestamp
        var resolvedAt: Timestamp?
        var updates: [Update]
        var components: [Component]

        enum CodingKeys: String, CodingKey {
            case id, name, status, impact, shortlink, components
            case createdAt = "created_at", updatedAt = "updated_at", startedAt = "started_at", monitoringAt = "monitoring_at"
            case resolvedAt = "resolved_at", updates = "incident_updates"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(String(id), forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(status, forKey: .status)
            try c.encode(impact, forKey: .impact)
            try c.encode(createdAt.rfc3339, forKey: .createdAt)
            try c.encode(createdAt.rfc3339, forKey: .startedAt)
            try c.encode(updatedAt.rfc3339, forKey: .updatedAt)
            try c.encodeNil(forKey: .monitoringAt)
            try c.encode(resolvedAt?.rfc3339, forKey: .resolvedAt)
            try c.encodeNil(forKey: .shortlink)
            try c.encode(updates, forKey: .updates)
            try c.encode(components, forKey: .components)
        }
    }

    /// A maintenance window's occurrence on the page's components: Statuspage's scheduled
    /// maintenance, named after the components (the window's name and comment are internal).
    struct Maintenance: Encodable {
        var id: String
        var name: String
        var status: String
        var scheduledFor: Timestamp
        var scheduledUntil: Timestamp
        var components: [Component]

        enum CodingKeys: String, CodingKey {
            case id, name, status, impact, shortlink, components
            case createdAt = "created_at", updatedAt = "updated_at", startedAt = "started_at", monitoringAt = "monitoring_at"
            case resolvedAt = "resolved_at", updates = "incident_updates", scheduledFor = "scheduled_for", scheduledUntil = "scheduled_until"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(status, forKey: .status)
            try c.encode("maintenance", forKey: .impact)
            try c.encode(scheduledFor.rfc3339, forKey: .createdAt)
            try c.encode(scheduledFor.rfc3339, forKey: .updatedAt)
            try c.encode(scheduledFor.rfc3339, forKey: .startedAt)
            try c.encodeNil(forKey: .monitoringAt)
            try c.encodeNil(forKey: .resolvedAt)
            try c.encodeNil(forKey: .shortlink)
            try c.encode([Update](), forKey: .updates)
            try c.encode(components, forKey: .components)
            try c.encode(scheduledFor.rfc3339, forKey: .scheduledFor)
            try c.encode(scheduledUntil.rfc3339, forKey: .scheduledUntil)
        }
    }

    var page: Page
    var components: [Component]
    var incidents: [Incident]
    var maintenances: [Maintenance] = []
    var indicator: ComponentState

    enum CodingKeys: String, CodingKey { case page, status, components, incidents, scheduledMaintenances = "scheduled_maintenances" }
    enum StatusKeys: String, CodingKey { case indicator, description }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(page, forKey: .page)
        var status = c.nestedContainer(keyedBy: StatusKeys.self, forKey: .status)
        try status.encode(indicator.pageStatus.indicator, forKey: .indicator)
        try status.encode(indicator.pageStatus.description, forKey: .description)
        try c.encode(components, forKey: .components)
        try c.encode(incidents, forKey: .incidents)
        try c.encode(maintenances, forKey: .scheduledMaintenances)
    }

    /// The state an open incident gives the components of its services.
    static func componentState(of incident: IncidentState) -> ComponentState {
        switch incident.type {
        case .outage: incident.severity == .sev1 ? .majorOutage : .partialOutage
        case .degradation, .userIssue: .degradedPerformance
        case .security: .operational
        }
    }

    /// Statuspage's incident status for an unresolved incident.
    static func publicStatus(of status: IncidentStatus) -> String {
        switch status {
        case .open: "investigating"
        case .acknowledged: "identified"
        case .resolved: "resolved"
        case .closed: "postmortem"
        }
    }

    /// Statuspage's status of an update posted at `time`: what the incident had reached by then.
    static func publicStatus(of incident: IncidentState, at time: Timestamp) -> String {
        if let resolved = incident.resolvedAt, resolved <= time { return "resolved" }
        if let acknowledged = incident.acknowledgedAt, acknowledged <= time { return "identified" }
        return "investigating"
    }

    static func impact(of severity: IncidentSeverity) -> String {
        switch severity {
        case .sev1: "critical"
        case .sev2: "major"
        case .sev3: "minor"
        case .sev4: "none"
        }
    }

    /// `incident` as the page shows it, when it has a public line among `lines`: named after its
    /// public components (`components`, found by service through `byService`) and impact.
    static func publicIncident(
        _ incident: IncidentState, lines: [StoredTimelineEntry], components: [Component], byService: [String: Int]
    ) -> Incident? {
        let lines = lines.filter { $0.entry.isPublic && $0.entry.text != nil }
        guard !lines.isEmpty else { return nil }
        let touched = ([incident.service] + incident.services).compactMap { byService[$0] }
        var seen = Set<Int>()
        let affected = touched.filter { seen.insert($0).inserted }.map { components[$0] }
        let state = componentState(of: incident)
        let names = affected.map(\.name)
        let name = names.isEmpty ? "Service disruption" : names.joined(separator: ", ") + ": " + state.phrase
        let status = publicStatus(of: incident.status)
        let updates = lines.sorted { ($0.entry.at, $0.id) > ($1.entry.at, $1.id) }.map {
            Update(id: $0.id, incidentID: incident.id, status: publicStatus(of: incident, at: $0.entry.at), body: $0.entry.text ?? "", at: $0.entry.at)
        }
        return Incident(id: incident.id, name: name, status: status, impact: impact(of: incident.severity),
                        createdAt: incident.openedAt, updatedAt: updates.first?.at ?? incident.openedAt,
                        resolvedAt: incident.resolvedAt, updates: updates, components: affected)
    }

    /// The index in `components` of each service's component.
    static func componentIndex(_ components: [Component]) -> [String: Int] {
        var byService: [String: Int] = [:]
        for (index, component) in components.enumerated() where component.members == nil { byService[component.id] = index }
        return byService
    }

    /// Whether the page `page` lists `shown`: one of its components is affected; or, on
    /// `/status`, none of the incident's services is a component of a named page (that page's
    /// incident), so it shows as a "Service disruption".
    static func shows(_ shown: Incident, of incident: IncidentState, page: String?, catalog: ServiceCatalog) -> Bool {
        guard shown.components.isEmpty else { return true }
        guard page == nil else { return false }
        let touched = Set([incident.service] + incident.services)
        return !catalog.services.contains { $0.publicName != nil && $0.publicPage != nil && touched.contains($0.name) }
    }

    /// How far ahead the page lists maintenance.
    static let maintenanceDays: Int64 = 7

    /// The summary of `catalog` and the `open` incidents (open or acknowledged) with their
    /// public timeline lines (`publicLines`, by incident id; lines not public are ignored), for
    /// the page `page` (nil: `/status`) with the components whose `publicPage` it is.
    /// `overrides` are states set by hand, which win; `windows` are the maintenance windows,
    /// listed for the next `maintenanceDays` days when they name a component's service
    /// (`service=<name>`), and showing it under maintenance while open, unless an incident shows worse.
    static func build(
        pageName: String, url: String, catalog: ServiceCatalog, open: [IncidentState], publicLines: [Int64: [StoredTimelineEntry]], now: Timestamp,
        page: String? = nil, overrides: [String: ComponentState] = [:], windows: [MaintenanceWindow] = []
    ) -> StatusSummary {
        let epoch = Timestamp(milliseconds: 0)
        var components: [Component] = []
        var groupPositions: [String: Int] = [:]
        let scheduled = scheduledMaintenance(windows, services: Set(catalog.services.filter { $0.publicName != nil && $0.publicPage == page }.map(\.name)),
                                             now: now)
        for service in catalog.services where service.publicPage == page {
            guard let name = service.publicName else { continue }
            var groupID: String?
            if let group = service.publicGroup {
                let id = "group:" + group
                if groupPositions[group] == nil {
                    groupPositions[group] = components.count
                    components.append(Component(id: id, name: group, status: .operational, position: components.count + 1, groupID: nil,
                                                members: [], createdAt: epoch, updatedAt: epoch))
                }
                groupID = id
            }
            var component = Component(id: service.name, name: name, status: .operational, position: components.count + 1, groupID: groupID,
                                      members: nil, createdAt: epoch, updatedAt: epoch)
            for incident in open where incident.services.contains(service.name) || incident.service == service.name {
                let state = componentState(of: incident)
                if state > component.status { component.status = state }
                if state != .operational, incident.lastActivity > component.updatedAt { component.updatedAt = incident.lastActivity }
            }
            if component.status == .operational,
               let window = scheduled.first(where: { $0.services.contains(service.name) && $0.start <= now && now < $0.end }) {
                component.status = .underMaintenance
                component.updatedAt = window.start
            }
            if let state = overrides[service.name] { component.status = state }
            if let group = service.publicGroup, let position = groupPositions[group] {
                components[position].members?.append(service.name)
                components[position].status = max(components[position].status, component.status)
                components[position].updatedAt = max(components[position].updatedAt, component.updatedAt)
            }
            components.append(component)
        }
        let byService = componentIndex(components)

        var incidents: [Incident] = []
        for incident in open {
            guard let shown = publicIncident(incident, lines: publicLines[incident.id] ?? [], components: components, byService: byService),
                  shows(shown, of: incident, page: page, catalog: catalog) else { continue }
            incidents.append(shown)
        }
        incidents.sort { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }

        let maintenances = scheduled.map { window in
            let shown = window.services.compactMap { byService[$0] }.map { components[$0] }
            return Maintenance(id: "\(window.index)-\(window.start.milliseconds)", name: shown.map(\.name).joined(separator: ", ") + ": scheduled maintenance",
                               status: window.start <= now ? "in_progress" : "scheduled", scheduledFor: window.start, scheduledUntil: window.end,
                               components: shown)
        }
        let worst = components.map(\.status).max() ?? .operational
        return StatusSummary(page: Page(id: page ?? "alertgate", name: pageName, url: url, timeZone: "Etc/UTC", updatedAt: now),
                             components: components, incidents: incidents, maintenances: maintenances, indicator: worst)
    }

    /// The occurrences of `windows` from now to `maintenanceDays` ahead that name one of
    /// `services` with an equality matcher on `service`, soonest first. A window is known by its
    /// place in the config (`index`): its name is internal.
    static func scheduledMaintenance(_ windows: [MaintenanceWindow], services: Set<String>, now: Timestamp)
        -> [(index: Int, services: [String], start: Timestamp, end: Timestamp)] {
        var found: [(index: Int, services: [String], start: Timestamp, end: Timestamp)] = []
        let until = Timestamp(milliseconds: now.milliseconds + maintenanceDays * StatusHistory.dayMilliseconds)
        for (index, window) in windows.enumerated() {
            let named = window.matchers.filter { $0.name == "service" && $0.op == .equal && services.contains($0.value) }.map(\.value)
            guard !named.isEmpty else { continue }
            for occurrence in window.occurrences(from: now, until: until) {
                found.append((index, named, occurrence.start, occurrence.end))
            }
        }
        return found.sorted { ($0.start, $0.index) < ($1.start, $1.index) }
    }
}
