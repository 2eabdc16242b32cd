/// The numbers a team reviews each week, over the incidents opened in a period: how many, of
/// which type and severity, how fast they were acknowledged and resolved, how many users saw
/// first, per service and per team, and the noisiest alerts. Pure: the rows come in.
public struct IncidentStats: Hashable, Sendable {
    /// Mean, median and 90th percentile of durations, in seconds; nil without any.
    public struct Times: Hashable, Sendable {
        public var count: Int
        public var meanSeconds: Int64?
        public var p50Seconds: Int64?
        public var p90Seconds: Int64?

        init(_ seconds: [Int64]) {
            let sorted = seconds.sorted()
            count = sorted.count
            guard !sorted.isEmpty else { return }
            meanSeconds = sorted.reduce(0, +) / Int64(sorted.count)
            p50Seconds = Self.percentile(sorted, 0.5)
            p90Seconds = Self.percentile(sorted, 0.9)
        }

        /// Nearest rank: the smallest value with at least `share` of the values at or below it.
        static func percentile(_ sorted: [Int64], _ share: Double) -> Int64 {
            let rank = Int((share * Double(sorted.count)).rounded(.up))
            return sorted[max(0, min(sorted.count - 1, rank - 1))]
        }
    }

    /// One group's figures (everything, a service, a team).
    public struct Group: Hashable, Sendable {
        public var name: String
        public var incidents: Int
        public var byType: [IncidentType: Int]
        public var bySeverity: [IncidentSeverity: Int]
        public var timeToAcknowledge: Times
        public var timeToResolve: Times
        /// Share of incidents first detected by a user report: the number to keep near zero.
        public var detectedByUsers: Double?
        /// Incidents by who detected them first.
        public var byDetector: [DetectedBy: Int]
        /// Incidents users reported first, by the channel their first report came through (the
        /// source: `reports`, `status_page`, `zendesk`, `intercom`, `freshdesk`, ...).
        public var byChannel: [String: Int]

        init(name: String, _ incidents: [IncidentState], channels: [Int64: SignalSource]) {
            self.name = name
            self.incidents = incidents.count
            byType = Dictionary(grouping: incidents, by: \.type).mapValues(\.count)
            bySeverity = Dictionary(grouping: incidents, by: \.severity).mapValues(\.count)
            timeToAcknowledge = Times(incidents.compactMap { incident in
                incident.acknowledgedAt.map { ($0.milliseconds - incident.openedAt.milliseconds) / 1000 }
            })
            timeToResolve = Times(incidents.compactMap { incident in
                incident.resolvedAt.map { ($0.milliseconds - incident.openedAt.milliseconds) / 1000 }
            })
            byDetector = Dictionary(grouping: incidents, by: \.detectedBy).mapValues(\.count)
            byChannel = Dictionary(grouping: incidents.filter { $0.detectedBy == .userReport }) { channels[$0.id]?.rawValue ?? "unknown" }.mapValues(\.count)
            detectedByUsers = incidents.isEmpty ? nil : Double(incidents.filter { $0.detectedBy == .userReport }.count) / Double(incidents.count)
        }
    }

    public var since: Timestamp
    public var until: Timestamp
    public var total: Group
    /// By every service an incident held, busiest first.
    public var services: [Group]
    /// By owner (`none` for incidents without one), busiest first.
    public var teams: [Group]
    /// Alerts seen in the period with the most repeats.
    public var noisiestAlerts: [AlertState]
    /// Alerts seen in the period that flapped.
    public var flappingAlerts: [AlertState]

    /// `channels`: for incidents users reported first, the source of their first signal.
    public init(since: Timestamp, until: Timestamp, incidents: [IncidentState], channels: [Int64: SignalSource] = [:], noisiestAlerts: [AlertState],
                flappingAlerts: [AlertState]) {
        self.since = since
        self.until = until
        total = Group(name: "all", incidents, channels: channels)
        var byService: [String: [IncidentState]] = [:]
        for incident in incidents {
            for service in Set(incident.services + [incident.service]) { byService[service, default: []].append(incident) }
        }
        services = byService.map { Group(name: $0.key, $0.value, channels: channels) }.sorted { ($0.incidents, $1.name) > ($1.incidents, $0.name) }
        teams = Dictionary(grouping: incidents) { $0.owner ?? "none" }.map { Group(name: $0.key, $0.value, channels: channels) }
            .sorted { ($0.incidents, $1.name) > ($1.incidents, $0.name) }
        self.noisiestAlerts = noisiestAlerts
        self.flappingAlerts = flappingAlerts
    }
}
