import AlertgateCore
import Testing

/// The route stage and escalation policies inside the correlator, on hand-moved time: who is
/// told of each transition, when, and who is paged next while nobody acknowledges.
@Suite struct NotificationRoutingTests {
    static let catalog = ServiceCatalog(services: [
        .init(name: "checkout", team: "payments", tier: 1, oncall: "payments-primary"),
        .init(name: "search", team: "discovery", tier: 2, oncall: "discovery-hook"),
        .init(name: "reports", team: "data", tier: 3),
    ])

    static let receivers = ["payments-hook", "ops-hook", "discovery-hook", "chat", "audit"].map {
        Receiver(name: $0, kind: .webhook, url: "http://127.0.0.1:9/\($0)")
    }

    static func matcher(_ text: String) -> LabelMatcher { try! LabelMatcher(parsing: text) }

    static func correlator(routes: [Route] = [], escalations: [EscalationPolicy] = []) -> Correlator {
        // Alerts stay firing for the whole scenario unless a test resolves them.
        var correlator = Correlator(config: CorrelationConfig(resolveTimeout: .seconds(86_400)),
                                    classifier: Classifier(rules: ClassificationRules(), catalog: catalog))
        correlator.notifications = NotificationPolicy(receivers: receivers, routes: routes, escalations: escalations)
        return correlator
    }

    static func deliveries(_ outcome: Outcome, _ kind: Transition.Kind) -> [Delivery] {
        outcome.transitions.filter { $0.kind == kind }.flatMap(\.deliveries)
    }

    /// Signals as the enricher leaves them: the catalog's team and tier as labels.
    static func signal(_ service: String, _ name: String, severity: Severity = .critical, labels: [String: String] = [:],
                       status: SignalStatus = .firing) -> Signal {
        var signal = alert(service, name, status: status, severity: severity, labels: labels)
        if let entry = catalog.service(named: service) {
            signal.labels["team"] = entry.team
            signal.labels["tier"] = entry.tier.map(String.init)
        }
        return signal
    }

    @Test func theFirstMatchingRouteTakesTheIncidentUnlessItContinues() throws {
        var correlator = Self.correlator(routes: [
            Route(name: "audit-all", receivers: ["audit"], send: Set(Route.Event.allCases), groupWait: .zero, continue: true),
            Route(name: "payments-pages", match: IncidentMatch(teams: ["payments"], severities: [.sev1, .sev2]), receivers: ["payments-hook"],
                  groupWait: .seconds(10)),
            Route(name: "eu", match: IncidentMatch(matchers: [Self.matcher("region=eu")]), receivers: ["ops-hook"], groupWait: .seconds(30)),
            Route(name: "rest", receivers: ["chat"], send: [.opened, .resolved], groupWait: .seconds(30)),
        ])
        let opened = ingest(&correlator, Self.signal("checkout", "PaymentsDown", labels: ["region": "eu"]), at: 0)
        let first = Self.deliveries(opened, .incidentOpened)
        // audit continues; payments matches and stops: eu and rest are not tried.
        #expect(first.map(\.receiver) == ["audit", "payments-hook"])
        #expect(first.map(\.route) == ["audit-all", "payments-pages"])
        // The group wait: the first message waits for what joins in its first seconds.
        #expect(first.map(\.dueAt) == [at(0), at(10)])
        #expect(first[1].repeatInterval == Route.defaultRepeatInterval)

        // A search incident in eu: audit, then the eu route (its label), which stops.
        let search = ingest(&correlator, Self.signal("search", "Slow", severity: .warning, labels: ["region": "eu"]), at: 5)
        #expect(Self.deliveries(search, .incidentOpened).map(\.receiver) == ["audit", "ops-hook"])
        // Reports (SEV4, no label): audit, then `rest`.
        let reports = ingest(&correlator, Self.signal("reports", "Late", severity: .info), at: 6)
        #expect(Self.deliveries(reports, .incidentOpened).map(\.receiver) == ["audit", "chat"])

        // Acknowledged is sent by routes whose `send` has it: not by `rest`.
        let reportsID = try #require(reports.incidentID)
        let ack = try correlator.apply(IncidentCommand(incidentID: reportsID, action: .acknowledge, by: "ana"), at: at(20))
        #expect(Self.deliveries(ack, .incidentAcknowledged).map(\.receiver) == ["audit"])
        let resolved = try correlator.apply(IncidentCommand(incidentID: reportsID, action: .resolve, by: "ana"), at: at(30))
        #expect(Self.deliveries(resolved, .incidentResolved).map(\.receiver) == ["audit", "chat"])
        #expect(Self.deliveries(resolved, .incidentResolved).allSatisfy { $0.dueAt == at(30) })
        // Alert transitions go to no one.
        #expect(resolved.transitions.filter { $0.kind == .alertResolved }.allSatisfy { $0.deliveries.isEmpty })
    }

    @Test func aPublicUpdateGoesOnlyWhereARouteAsksForIt() throws {
        var correlator = Self.correlator(routes: [
            Route(name: "status", receivers: ["chat"], send: [.publicUpdate], groupWait: .zero, continue: true),
            Route(name: "team", receivers: ["payments-hook"], groupWait: .zero),
        ])
        let id = try #require(ingest(&correlator, Self.signal("checkout", "PaymentsDown"), at: 0).incidentID)
        let update = try correlator.apply(IncidentCommand(incidentID: id, action: .update, by: "ana", note: "Fix rolling out", isPublic: true), at: at(60))
        #expect(Self.deliveries(update, .publicUpdate).map(\.receiver) == ["chat"])
        let internalNote = try correlator.apply(IncidentCommand(incidentID: id, action: .update, by: "ana", note: "db failover"), at: at(61))
        #expect(internalNote.transitions.isEmpty)
    }

    @Test func escalationPagesStepByStepUntilSomeoneAcknowledges() throws {
        let policy = EscalationPolicy(name: "payments-primary", steps: [
            .init(notify: ["payments-hook"], after: .zero), .init(notify: ["ops-hook"], after: .seconds(15 * 60)),
        ], repeatEvery: .seconds(30 * 60))
        var correlator = Self.correlator(escalations: [policy])
        let opened = ingest(&correlator, Self.signal("checkout", "PaymentsDown"), at: 0)
        let id = try #require(opened.incidentID)
        // Step one at once, with its own transition and timeline entry.
        let page = try #require(opened.transitions.first { $0.kind == .escalationStep })
        #expect(page.deliveries.map(\.receiver) == ["payments-hook"])
        #expect(page.deliveries.first?.route == "escalation payments-primary")
        #expect(page.detail == "step 1 of 2 of payments-primary: payments-hook")
        #expect(opened.timeline.contains { $0.kind == .paged })

        // Nothing more until 15 minutes without acknowledgement.
        #expect(correlator.expire(now: at(14 * 60)).transitions.isEmpty)
        let second = correlator.expire(now: at(15 * 60))
        #expect(second.transitions.map(\.kind) == [.escalationStep])
        #expect(second.transitions.first?.deliveries.map(\.receiver) == ["ops-hook"])
        #expect(second.timeline.map(\.kind) == [.paged])
        #expect(correlator.state.incidents[id]?.escalationStep == 2)

        // After the last step the policy starts over `repeat_every` later.
        #expect(correlator.expire(now: at(44 * 60)).transitions.isEmpty)
        let again = correlator.expire(now: at(45 * 60))
        #expect(again.transitions.first?.deliveries.map(\.receiver) == ["payments-hook"])
        #expect(again.transitions.first?.detail == "step 1 of 2 of payments-primary (repeat 1): payments-hook")

        // Acknowledging stops it.
        _ = try correlator.apply(IncidentCommand(incidentID: id, action: .acknowledge, by: "ana"), at: at(46 * 60))
        #expect(correlator.expire(now: at(120 * 60)).transitions.isEmpty)
    }

    @Test func aReopenedIncidentStartsItsEscalationOver() throws {
        let policy = EscalationPolicy(name: "payments-primary", steps: [
            .init(notify: ["payments-hook"], after: .zero), .init(notify: ["ops-hook"], after: .seconds(600)),
        ])
        var correlator = Self.correlator(escalations: [policy])
        let id = try #require(ingest(&correlator, Self.signal("checkout", "PaymentsDown"), at: 0).incidentID)
        _ = correlator.expire(now: at(600))
        #expect(correlator.state.incidents[id]?.escalationStep == 2)
        ingest(&correlator, Self.signal("checkout", "PaymentsDown", status: .resolved), at: 700)
        #expect(correlator.state.incidents[id]?.status == .resolved)
        let reopened = ingest(&correlator, Self.signal("checkout", "PaymentsDown"), at: 800)
        #expect(reopened.decision == .reopened)
        #expect(reopened.transitions.map(\.kind).filter { $0 != .alertFiring } == [.incidentReopened, .escalationStep])
        #expect(reopened.transitions.first { $0.kind == .escalationStep }?.deliveries.map(\.receiver) == ["payments-hook"])
        #expect(correlator.expire(now: at(1399)).transitions.isEmpty)
        #expect(correlator.expire(now: at(1400)).transitions.first?.deliveries.map(\.receiver) == ["ops-hook"])
    }

    @Test func theOnCallIsStepOneByDefault() throws {
        var correlator = Self.correlator(escalations: [
            EscalationPolicy(name: "discovery-team", team: "discovery", steps: [
                .init(notify: ["chat"], after: .zero), .init(notify: ["ops-hook"], after: .seconds(300)),
            ]),
        ])
        // search's on-call is a receiver: it joins step one of its team's policy.
        let search = ingest(&correlator, Self.signal("search", "Down"), at: 0)
        #expect(search.transitions.first { $0.kind == .escalationStep }?.deliveries.map(\.receiver) == ["discovery-hook", "chat"])
        // reports has no on-call and its team no policy: nobody is paged.
        #expect(!ingest(&correlator, Self.signal("reports", "Late"), at: 1).transitions.contains { $0.kind == .escalationStep })

        // An on-call receiver without a team policy is a policy of one step.
        var bare = Self.correlator()
        let paged = ingest(&bare, Self.signal("search", "Down"), at: 0)
        #expect(paged.transitions.first { $0.kind == .escalationStep }?.deliveries.map(\.receiver) == ["discovery-hook"])
    }

    @Test func escalationStepsSurviveARebuildFromTheStore() throws {
        let policy = EscalationPolicy(name: "payments-primary", steps: [
            .init(notify: ["payments-hook"], after: .zero), .init(notify: ["ops-hook"], after: .seconds(600)),
        ])
        var correlator = Self.correlator(escalations: [policy])
        let opened = ingest(&correlator, Self.signal("checkout", "PaymentsDown"), at: 0)
        let incident = try #require(opened.incidents.last)
        #expect(incident.escalationStep == 1 && incident.labels["team"] == "payments")
        // A correlator started from the stored snapshot takes step two once, when it is due.
        var restarted = Self.correlator(escalations: [policy])
        restarted.restore(incident)
        #expect(restarted.expire(now: at(599)).transitions.isEmpty)
        #expect(restarted.expire(now: at(3600)).transitions.map(\.kind) == [.escalationStep])
        #expect(restarted.expire(now: at(3601)).transitions.isEmpty)
    }
}

/// The token buckets behind the rate limits, on hand-moved time.
@Suite struct RateLimiterTests {
    @Test func aBurstThenTheRate() {
        var limiter = RateLimiter(rate: 2, burst: 3)
        // Three at once, the fourth waits for half a second (2 per second).
        #expect((0..<3).allSatisfy { _ in limiter.admit("ana", at: at(0)) == nil })
        #expect(limiter.admit("ana", at: at(0)) == .milliseconds(500))
        // Another key has its own bucket.
        #expect(limiter.admit("bob", at: at(0)) == nil)
        // Half a second later one more; two seconds later the bucket holds three again, no more.
        #expect(limiter.admit("ana", at: Timestamp(milliseconds: at(0).milliseconds + 500)) == nil)
        #expect((0..<3).allSatisfy { _ in limiter.admit("ana", at: at(10)) == nil })
        #expect(limiter.admit("ana", at: at(10)) != nil)
    }

    @Test func aFloodOfKeysDoesNotGrowItWithoutBound() {
        var limiter = RateLimiter(rate: 10, burst: 10)
        limiter.maxKeys = 100
        for index in 0..<1000 { _ = limiter.admit("10.0.\(index / 256).\(index % 256)", at: at(Int64(index))) }
        #expect(limiter.keyCount <= 101)
    }
}
