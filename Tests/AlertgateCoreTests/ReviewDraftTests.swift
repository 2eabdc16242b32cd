import AlertgateCore
import Testing

@Suite("Review draft and status updates")
struct ReviewDraftTests {
    @Test func aPublicUpdateIsOnTheTimelineAndAnnounced() throws {
        var correlator = Correlator()
        let id = try #require(ingest(&correlator, alert("checkout", "CheckoutErrors"), at: 0).incidentID)
        let update = try correlator.apply(IncidentCommand(incidentID: id, action: .update, by: "ana", note: "Payments are failing for some users.",
                                                          isPublic: true), at: at(60))
        let entry = try #require(update.timeline.first)
        #expect(entry.kind == .update && entry.isPublic && entry.by == "ana")
        #expect(update.transitions.map(\.kind) == [.publicUpdate])
        #expect(update.transitions.first?.detail == "Payments are failing for some users.")

        let quiet = try correlator.apply(IncidentCommand(incidentID: id, action: .update, note: "rolling back"), at: at(70))
        #expect(quiet.timeline.first?.isPublic == false)
        #expect(quiet.transitions.isEmpty, "an internal update announces nothing outside")
        #expect(throws: CommandError.self) { try correlator.apply(IncidentCommand(incidentID: id, action: .update, note: ""), at: at(80)) }
    }

    @Test func theDraftTellsTheStory() {
        let incident = IncidentState(
            id: 7, key: "checkout", title: "CheckoutErrors", status: .resolved, severity: .sev2, type: .outage, service: "checkout",
            services: ["checkout", "payments-db"], owner: "payments", detectedBy: .userReport, openedAt: at(0), acknowledgedAt: at(200),
            resolvedAt: at(3900), lastActivity: at(3900), signalCount: 40, alertCount: 4, reportCount: 7, oncall: "payments-primary")
        let trace = AlertState(id: 2, fingerprint: Fingerprint("t"), incidentID: 7, status: .resolved, kind: .trace, service: "checkout",
                               title: "POST /pay: TimeoutError", severity: .error, labels: ["exception.type": "TimeoutError"],
                               firstSeen: at(10), lastSeen: at(900), resolvedAt: at(3900), count: 31)
        let timeline = [
            StoredTimelineEntry(id: 1, entry: TimelineEntry(incidentID: 7, at: at(0), kind: .opened, text: "CheckoutErrors")),
            StoredTimelineEntry(id: 2, entry: TimelineEntry(incidentID: 7, at: at(200), kind: .acknowledged, by: "ana")),
            StoredTimelineEntry(id: 3, entry: TimelineEntry(incidentID: 7, at: at(300), kind: .update, by: "ana", text: "Payments fail\nfor some", isPublic: true)),
            StoredTimelineEntry(id: 4, entry: TimelineEntry(incidentID: 7, at: at(400), kind: .note, by: "bo", text: "rolled back v2.4.1")),
        ]
        let deploy = StoredChange(signalID: 1, service: "checkout", title: "Deploy checkout v2.4.1", description: nil, at: at(-720), sender: "ci", links: [])
        let rollback = StoredChange(signalID: 9, service: "checkout", title: "Roll back checkout to v2.4.0", description: nil, at: at(380), sender: "ci", links: [])
        let suspects = SuspectChanges(incident: incident, catalog: ServiceCatalog(), lookback: .seconds(7200)).rank([deploy, rollback])
        let first = StoredSignal(id: 3, payloadID: 1, item: 0, kind: .report, source: .reports, status: .firing, decision: .opened, severity: .warning,
                                 receivedAt: at(95), at: at(0), alertID: 1, incidentID: 7, fingerprint: "r", service: "checkout",
                                 title: "The payment page hangs", why: Why(rule: "x", key: "checkout", detail: ""))
        let text = ReviewDraft(incident: incident, alerts: [trace], timeline: timeline, suspects: suspects, firstSignal: first,
                               reports: [first], now: at(4000)).markdown
        for line in [
            "# Incident 7: CheckoutErrors",
            "- Severity: SEV2; type: outage; status: resolved",
            "- Services: checkout, payments-db",
            "- Owner: payments; on-call: payments-primary",
            "- Detected by: a user report through the reports API (users saw it first)",
            "- Time to detect: 1 min 35 s (the first signal's own time to its arrival)",
            "- Time to acknowledge: 3 min 20 s",
            "- Time to resolve: 1 h 5 min",
            "- 2026-11-29T04:05:00.000Z update by ana: Payments fail for some (public)",
            "- 2026-11-29T03:48:00.000Z Deploy checkout v2.4.1 (checkout; same service, 12 min before the first signal) **rollback candidate**",
            "- 2026-11-29T04:06:20.000Z Roll back checkout to v2.4.0 (checkout; same service, 6 min after the incident opened) **possible fix**",
            "Rollback taken: Roll back checkout to v2.4.0.",
            "- TimeoutError: 31 spans",
            "7 user reports.",
            "- 2026-11-29T04:00:00.000Z The payment page hangs",
            "- and 6 more",
            "- 2026-11-29T04:06:40.000Z note by bo: rolled back v2.4.1",
            "## Root cause",
            "## Action items",
        ] {
            #expect(text.contains(line), "missing: \(line)")
        }
    }
}

@Suite("Incident stats over a period")
struct IncidentStatsTests {
    static func incident(_ id: Int64, service: String, owner: String?, severity: IncidentSeverity, type: IncidentType, by detected: DetectedBy,
                         ackAfter: Int64?, resolveAfter: Int64?) -> IncidentState {
        IncidentState(id: id, key: service, title: "i\(id)", status: resolveAfter == nil ? .open : .resolved, severity: severity, type: type,
                      service: service, services: [service], owner: owner, detectedBy: detected, openedAt: at(id * 1000),
                      acknowledgedAt: ackAfter.map { at(id * 1000 + $0) }, resolvedAt: resolveAfter.map { at(id * 1000 + $0) },
                      lastActivity: at(id * 1000), signalCount: 1, alertCount: 1, reportCount: 0)
    }

    @Test func countsTimesAndTheShareUsersSawFirst() throws {
        let incidents = [
            Self.incident(1, service: "checkout", owner: "payments", severity: .sev1, type: .outage, by: .monitoring, ackAfter: 60, resolveAfter: 600),
            Self.incident(2, service: "checkout", owner: "payments", severity: .sev2, type: .outage, by: .userReport, ackAfter: 300, resolveAfter: 3600),
            Self.incident(3, service: "search", owner: nil, severity: .sev3, type: .degradation, by: .monitoring, ackAfter: nil, resolveAfter: nil),
            Self.incident(4, service: "checkout", owner: "payments", severity: .sev2, type: .userIssue, by: .userReport, ackAfter: 120, resolveAfter: 1200),
        ]
        let stats = IncidentStats(since: at(0), until: at(10_000), incidents: incidents, noisiestAlerts: [], flappingAlerts: [])
        #expect(stats.total.incidents == 4)
        #expect(stats.total.byType == [.outage: 2, .degradation: 1, .userIssue: 1])
        #expect(stats.total.bySeverity == [.sev1: 1, .sev2: 2, .sev3: 1])
        #expect(stats.total.timeToAcknowledge.count == 3)
        #expect(stats.total.timeToAcknowledge.meanSeconds == 160)
        #expect(stats.total.timeToAcknowledge.p50Seconds == 120)
        #expect(stats.total.timeToAcknowledge.p90Seconds == 300)
        #expect(stats.total.timeToResolve.p50Seconds == 1200)
        #expect(stats.total.detectedByUsers == 0.5)
        #expect(stats.services.map(\.name) == ["checkout", "search"])
        #expect(stats.services.first?.incidents == 3)
        #expect(stats.services.first?.detectedByUsers.map { ($0 * 100).rounded() } == 67)
        #expect(stats.teams.map(\.name) == ["payments", "none"])
    }

    @Test func noIncidentsNoTimes() {
        let stats = IncidentStats(since: at(0), until: at(1), incidents: [], noisiestAlerts: [], flappingAlerts: [])
        #expect(stats.total.incidents == 0 && stats.total.timeToResolve.p90Seconds == nil && stats.total.detectedByUsers == nil)
    }
}
