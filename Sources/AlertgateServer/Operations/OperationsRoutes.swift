import AlertgateCore
import Hummingbird

/// `/healthz`, `/readyz`, `/metrics` and `/api/v1/stats`.
struct OperationsRoutes: Sendable {
    let store: any StoreReader
    let outbox: any NotificationStore
    let pipeline: IngestPipeline
    let metrics: GatewayMetrics
    let udpStats: UDPStats
    let clock: any WallClock
    /// The period `/api/v1/stats` covers when the request names none.
    static let defaultPeriod: Duration = .seconds(7 * 86_400)

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/healthz") { _, _ in JSONOutput.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            if pipeline.isCommitFailing {
                var error = APIError(.serviceUnavailable, code: "not_ready",
                                     message: "the last transaction failed (disk full or read-only?); ingest answers 503 until one commits")
                error.retryAfterSeconds = 5
                throw error
            }
            do {
                _ = try await store.counts()
            } catch {
                throw APIError(.serviceUnavailable, code: "not_ready", message: "the database does not answer: \(error)")
            }
            return JSONOutput.response(["status": "ready"])
        }
        router.get("/metrics") { _, _ in
            async let pending = try? outbox.pendingNotificationCount()
            async let open = try? store.openIncidentsBySeverity()
            let text = metrics.exposition(queueDepth: pipeline.queueDepth, pendingNotifications: await pending, openIncidents: await open)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.get("/api/v1/stats") { request, _ in
            let parameters = QueryParameters(request.uri)
            let until = try parameters.time("until") ?? clock.now()
            let since = try parameters.time("since") ?? until - Self.defaultPeriod
            guard since < until else { throw APIError.invalidParameter("since", "must be before until") }
            var query = IncidentQuery()
            query.since = since
            query.until = until
            query.limit = 100_000
            async let counts = store.counts()
            async let incidents = store.incidents(query)
            async let noisiest = store.noisiestAlerts(from: since, to: until, flapping: false, limit: 10)
            async let flapping = store.noisiestAlerts(from: since, to: until, flapping: true, limit: 10)
            async let notifications = outbox.notificationCounts(from: since, to: until)
            let opened = try await incidents
            // The channel users reported through first: the first signal of each incident they saw first.
            let channels = try await store.firstSignalSources(incidentIDs: opened.filter { $0.detectedBy == .userReport }.map(\.id))
            let stats = IncidentStats(since: since, until: until, incidents: opened, channels: channels, noisiestAlerts: try await noisiest,
                                      flappingAlerts: try await flapping)
            return JSONOutput.response(StatsView(counts: try await counts, committed: metrics.signalsCommitted, queueDepth: pipeline.queueDepth,
                                                 udp: udpStats.snapshot(), incidents: stats, notifications: try await notifications))
        }
    }
}

struct StatsView: Encodable {
    let counts: StoreCounts
    let committed: Int64
    let queueDepth: Int
    let udp: [String: (received: Int64, stored: Int64, dropped: [String: Int64])]
    let incidents: IncidentStats
    let notifications: (overall: NotificationCounts, byService: [String: NotificationCounts], byTeam: [String: NotificationCounts])

    struct ListenerView: Encodable {
        var received: Int64
        var stored: Int64
        var dropped: [String: Int64]
    }

    enum CodingKeys: String, CodingKey {
        case signals, alerts, incidents, repeatsFolded = "repeats_folded"
        case openIncidents = "open_incidents", payloadBytes = "payload_bytes", originalBytes = "original_bytes"
        case signalsCommittedSinceStart = "signals_committed_since_start", queueDepth = "queue_depth", udp
        case period, overall, services, teams, noisiestAlerts = "noisiest_alerts", flappingAlerts = "flapping_alerts"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(counts.signals, forKey: .signals)
        try c.encode(counts.repeatsFolded, forKey: .repeatsFolded)
        try c.encode(counts.alerts, forKey: .alerts)
        try c.encode(counts.incidents, forKey: .incidents)
        try c.encode(counts.openIncidents, forKey: .openIncidents)
        try c.encode(counts.payloadBytes, forKey: .payloadBytes)
        try c.encode(counts.originalBytes, forKey: .originalBytes)
        try c.encode(committed, forKey: .signalsCommittedSinceStart)
        try c.encode(queueDepth, forKey: .queueDepth)
        try c.encode(udp.mapValues { ListenerView(received: $0.received, stored: $0.stored, dropped: $0.dropped) }, forKey: .udp)
        try c.encode(["since": incidents.since.rfc3339, "until": incidents.until.rfc3339], forKey: .period)
        try c.encode(StatsGroupView(group: incidents.total, notifications: notifications.overall), forKey: .overall)
        try c.encode(incidents.services.map { StatsGroupView(group: $0, notifications: notifications.byService[$0.name] ?? NotificationCounts()) },
                     forKey: .services)
        try c.encode(incidents.teams.map { StatsGroupView(group: $0, notifications: notifications.byTeam[$0.name] ?? NotificationCounts()) },
                     forKey: .teams)
        try c.encode(incidents.noisiestAlerts.map(AlertView.init), forKey: .noisiestAlerts)
        try c.encode(incidents.flappingAlerts.map(AlertView.init), forKey: .flappingAlerts)
    }
}

/// One group of `IncidentStats`: counts, times in seconds, the share users detected first.
struct StatsGroupView: Encodable {
    let group: IncidentStats.Group
    /// Notifications of the group's incidents: sent, failed, pending.
    let notifications: NotificationCounts

    struct NotificationsView: Encodable {
        let counts: NotificationCounts
        enum CodingKeys: String, CodingKey { case sent, failed, pending, cancelled }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(counts.delivered, forKey: .sent)
            try c.encode(counts.failed, forKey: .failed)
            try c.encode(counts.pending, forKey: .pending)
            try c.encode(counts.cancelled, forKey: .cancelled)
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, incidents, notifications
        case byType = "by_type", bySeverity = "by_severity", timeToAcknowledge = "time_to_acknowledge", timeToResolve = "time_to_resolve"
        case detectedByUsers = "detected_by_users", byDetector = "by_detector", byChannel = "by_channel"
    }

    struct TimesView: Encodable {
        let times: IncidentStats.Times
        enum CodingKeys: String, CodingKey { case count, meanSeconds = "mean_seconds", p50Seconds = "p50_seconds", p90Seconds = "p90_seconds" }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(times.count, forKey: .count)
            try c.encode(times.meanSeconds, forKey: .meanSeconds)
            try c.encode(times.p50Seconds, forKey: .p50Seconds)
            try c.encode(times.p90Seconds, forKey: .p90Seconds)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(group.name, forKey: .name)
        try c.encode(NotificationsView(counts: notifications), forKey: .notifications)
        try c.encode(group.incidents, forKey: .incidents)
        try c.encode(Dictionary(uniqueKeysWithValues: group.byType.map { ($0.key.rawValue, $0.value) }), forKey: .byType)
        try c.encode(Dictionary(uniqueKeysWithValues: group.bySeverity.map { ($0.key.rawValue, $0.value) }), forKey: .bySeverity)
        try c.encode(TimesView(times: group.timeToAcknowledge), forKey: .timeToAcknowledge)
        try c.encode(TimesView(times: group.timeToResolve), forKey: .timeToResolve)
        try c.encode(group.detectedByUsers, forKey: .detectedByUsers)
        try c.encode(Dictionary(uniqueKeysWithValues: group.byDetector.map { ($0.key.rawValue, $0.value) }), forKey: .byDetector)
        try c.encode(group.byChannel, forKey: .byChannel)
    }
}
