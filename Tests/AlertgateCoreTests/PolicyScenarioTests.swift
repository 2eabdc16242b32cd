import AlertgateCore
import Foundation
import Testing

/// Short stories, one per rule, on hand-moved time: the catalog, severity and type rules,
/// scope escalation, silences, inhibition, flapping, thresholds and rollback candidates.
@Suite("Policy: rules with defaults, told as stories")
struct PolicyScenarioTests {
    static let catalog = ServiceCatalog(services: [
        .init(name: "checkout", team: "payments", tier: 1, oncall: "payments-primary", runbook: "https://runbooks.example/checkout",
              aliases: ["checkout-api", "checkout-*", "payment page"], dependsOn: ["payments-db"]),
        .init(name: "payments-db", team: "storage", tier: 1, aliases: ["pgpool"]),
        .init(name: "search", team: "discovery", tier: 3, aliases: ["search-web"]),
    ], defaultTeam: "ops")

    static func correlator(rules: CorrelationRules = CorrelationRules(), muter: Muter = Muter()) -> Correlator {
        Correlator(classifier: Classifier(catalog: catalog), muter: muter, rules: rules)
    }

    static let enricher = Enricher(catalog: catalog)

    /// Fingerprinted, then enriched, as the pipeline does.
    static func prepared(_ signal: Signal) -> Signal {
        var copy = signal
        copy.fingerprint = Fingerprint.of(signal)
        return enricher.enrich(copy)
    }

    static func report(_ text: String) -> Signal {
        Signal(kind: .report, source: .reports, service: "unknown", title: text, severity: .warning)
    }

    static func matcher(_ text: String) -> LabelMatcher {
        try! LabelMatcher(parsing: text)
    }

    @Test func aDeployThenErrorsThenUserReportsNamingThePaymentPage() throws {
        var correlator = Self.correlator()
        let deploy = Signal(kind: .change, source: .changes, service: "checkout", title: "Deploy checkout v2.4.1")
        ingest(&correlator, Self.prepared(deploy), at: 0)

        // Twelve minutes later the errors start: the deploy is the rollback candidate.
        let errors = ingest(&correlator, Self.prepared(alert("checkout-api", "CheckoutErrors", severity: .error)), at: 720)
        let id = try #require(errors.incidentID)
        #expect(errors.decision == .opened)
        let opened = try #require(correlator.state.incidents[id])
        #expect(opened.service == "checkout")
        #expect(opened.severity == .sev2, "error on a tier-1 service")
        #expect(opened.owner == "payments")
        #expect(opened.oncall == "payments-primary")
        let classified = try #require(errors.timeline.first { $0.kind == .classified })
        #expect(classified.text == "SEV2 by rule default.error_tier1; degradation by rule default.rest; owner payments (catalog); on-call payments-primary")
        let candidate = try #require(errors.timeline.first { $0.kind == .rollbackCandidate })
        #expect(candidate.text == "Deploy checkout v2.4.1 (checkout), 12 min before the first signal: the rollback candidate.")

        // Users write in; none names a service, each names the payment page.
        var last = Outcome(effectiveTime: at(0))
        for (index, text) in ["The payment page hangs", "payment page shows an error", "Cannot pay: the Payment Page spins"].enumerated() {
            let signal = Self.prepared(Self.report(text))
            #expect(signal.service == "checkout")
            last = ingest(&correlator, signal, at: 800 + Int64(index) * 10)
            #expect(last.incidentID == id)
        }
        let escalated = try #require(correlator.state.incidents[id])
        #expect(escalated.reportCount == 3)
        #expect(escalated.severity == .sev1, "three user reports raise it one step")
        #expect(escalated.ruleSeverity == .sev2)
        let entry = try #require(last.timeline.first { $0.kind == .escalated })
        #expect(entry.text == "SEV2 → SEV1: 3 user reports")
        #expect(last.transitions.map(\.kind) == [.incidentEscalated])
        // The reports are one alert of checkout's reports, not one of "unknown".
        #expect(last.decision == .repeat)
        #expect(correlator.state.alerts[last.alertID!]?.service == "checkout")
        let search = Self.prepared(Self.report("search-web returns nothing"))
        #expect(search.service == "search")
        #expect(search.fingerprint != Self.prepared(Self.report("The payment page hangs")).fingerprint)
        #expect(ingest(&correlator, search, at: 900).incidentID != id)
    }

    @Test func reportsThatNameNothingGroupUnderUnknown() throws {
        var correlator = Self.correlator()
        let first = ingest(&correlator, Self.prepared(Self.report("everything is slow today")), at: 0)
        let second = ingest(&correlator, Self.prepared(Self.report("the site looks broken")), at: 60)
        #expect(first.decision == .opened && second.decision == .repeat, "reports of one service and category are one alert")
        #expect(first.incidentID == second.incidentID)
        let incident = try #require(correlator.state.incidents[first.incidentID!])
        #expect(incident.service == "unknown")
        #expect(incident.type == .userIssue)
        #expect(incident.owner == "ops", "the default team")
    }

    @Test func hostsAndLabelsFindTheirService() {
        let byHost = Self.prepared(Signal(source: .syslog, service: "kernel", title: "oom", labels: ["host": "checkout-7f9c"]))
        #expect(byHost.service == "checkout")
        let byInstance = Self.prepared(Signal(service: "node", title: "NodeDown", labels: ["instance": "pgpool:9100"]))
        #expect(byInstance.service == "payments-db")
        let byNamespace = Self.prepared(Signal(service: "", title: "PodCrashLooping", labels: ["namespace": "search-web"]))
        #expect(byNamespace.service == "search")
        #expect(byNamespace.labels["tier"] == "3")
        let unknown = Self.prepared(Signal(service: "billing", title: "x"))
        #expect(unknown.service == "billing")
        let namedReport = Self.prepared(Signal(kind: .report, source: .reports, service: "billing", title: "invoices are wrong"))
        #expect(namedReport.service == "billing", "a report naming a service the catalog lacks keeps it")
        #expect(unknown.labels["team"] == "ops")
    }

    @Test(arguments: [
        (Severity.critical, "1", IncidentSeverity.sev1), (.critical, "2", .sev2), (.error, "1", .sev2), (.error, "3", .sev3),
        (.warning, "1", .sev3), (.warning, "2", .sev4), (.info, "1", .sev4),
    ])
    func defaultSeverityByTier(severity: Severity, tier: String, expected: IncidentSeverity) {
        let signal = Signal(service: "api", title: "x", severity: severity, labels: ["tier": tier])
        #expect(Classifier().severity(of: signal) == expected)
    }

    @Test func aDependencyFailingJoinsAndEscalates() throws {
        var correlator = Self.correlator()
        let checkout = ingest(&correlator, Self.prepared(alert("checkout", "CheckoutLatencyHigh", severity: .warning)), at: 0)
        let id = try #require(checkout.incidentID)
        #expect(correlator.state.incidents[id]?.severity == .sev3)
        #expect(correlator.state.incidents[id]?.type == .degradation)

        let database = ingest(&correlator, Self.prepared(alert("payments-db", "PostgresDown", severity: .critical)), at: 60)
        #expect(database.incidentID == id)
        #expect(database.why?.rule == Correlator.Rule.dependency)
        #expect(database.why?.detail.contains("payments-db, a dependency of checkout") == true)
        let incident = try #require(correlator.state.incidents[id])
        #expect(incident.services == ["checkout", "payments-db"])
        #expect(incident.type == .outage)
        #expect(incident.severity == .sev1)
        let entry = try #require(database.timeline.first { $0.kind == .escalated })
        #expect(entry.text == "SEV3 → SEV1: SEV1 by rule default.critical_tier1 (payments-db: PostgresDown); "
            + "its scope grew to 2 services (+payments-db, a dependency of checkout); type degradation → outage by rule default.down (PostgresDown)")
        #expect(database.transitions.contains { $0.kind == .incidentEscalated && $0.detail == "SEV3 → SEV1, degradation → outage, +payments-db" })

        // The dependency's next alert joins the same incident.
        let more = ingest(&correlator, Self.prepared(alert("payments-db", "PostgresReplicationLag", severity: .warning)), at: 90)
        #expect(more.decision == .attached && more.incidentID == id)
        #expect(correlator.state.incidents.count == 1)
    }

    @Test func aSeveritySetByHandStaysWhenTheScopeGrows() throws {
        var correlator = Self.correlator()
        let id = try #require(ingest(&correlator, Self.prepared(alert("checkout", "Slow", severity: .warning)), at: 0).incidentID)
        _ = try correlator.edit(incidentID: id, severity: .sev4, type: nil, owner: nil, title: nil, by: "ana", at: at(1))
        let joined = ingest(&correlator, Self.prepared(alert("payments-db", "PostgresDown", severity: .critical)), at: 60)
        #expect(joined.incidentID == id)
        #expect(correlator.state.incidents[id]?.severity == .sev4)
        #expect(!joined.timeline.contains { $0.kind == .escalated })
    }

    @Test func aSilenceOverAFlappingAlertWhoseResolveStillLands() throws {
        var rules = CorrelationRules()
        rules.flapping.resolves = 1
        rules.flapping.window = .seconds(600)
        rules.flapping.holdDown = .seconds(300)
        var correlator = Self.correlator(rules: rules)
        let disk = alert("search", "DiskIOHigh", severity: .warning)
        let resolved = alert("search", "DiskIOHigh", status: .resolved, severity: .warning)

        // It flaps: the second resolve holds the incident open.
        let id = try #require(ingest(&correlator, disk, at: 0).incidentID)
        ingest(&correlator, resolved, at: 10)
        #expect(ingest(&correlator, disk, at: 20).decision == .reopened)
        #expect(ingest(&correlator, resolved, at: 30).timeline.contains { $0.kind == .flapping })
        #expect(ingest(&correlator, disk, at: 40).decision == .attached)

        // Someone silences it while it fires: its repeat and its resolve still land.
        let silence = Silence(id: 7, matchers: [Self.matcher("alertname=DiskIOHigh")], startsAt: at(45), endsAt: at(3600),
                              createdBy: "ana", comment: "disk swap", updatedAt: at(45))
        correlator.muter = Muter(rules: [silence])
        #expect(ingest(&correlator, disk, at: 50).decision == .repeat)
        let resolve = ingest(&correlator, resolved, at: 60)
        #expect(resolve.decision == .resolved)
        #expect(resolve.transitions.map(\.kind) == [.alertResolved])
        #expect(correlator.state.incidents[id]?.holdUntil == at(360))

        // Firing again under the silence: stored, silenced; it neither joins nor keeps the
        // incident open, which resolves once the hold-down ends.
        let again = ingest(&correlator, disk, at: 70)
        #expect(again.decision == .silenced)
        #expect(again.why?.rule == "silence" && again.why?.key == "7")
        #expect(again.incidentID == nil && again.alertID == nil)
        #expect(again.transitions.isEmpty)
        #expect(correlator.expire(now: at(360)).transitions.map(\.kind) == [.incidentResolved])
    }

    @Test func aFlappingAlertHoldsItsIncidentOpenUntilQuiet() throws {
        var rules = CorrelationRules()
        rules.flapping.resolves = 2
        rules.flapping.window = .seconds(600)
        rules.flapping.holdDown = .seconds(300)
        var correlator = Self.correlator(rules: rules)
        let fire = alert("search", "DiskIOHigh", severity: .warning)
        let clear = alert("search", "DiskIOHigh", status: .resolved, severity: .warning)

        let id = try #require(ingest(&correlator, fire, at: 0).incidentID)
        #expect(ingest(&correlator, clear, at: 10).transitions.map(\.kind) == [.alertResolved, .incidentResolved])
        #expect(ingest(&correlator, fire, at: 20).decision == .reopened)
        #expect(ingest(&correlator, clear, at: 30).transitions.map(\.kind) == [.alertResolved, .incidentResolved])
        #expect(ingest(&correlator, fire, at: 40).decision == .reopened)
        // The third resolve within ten minutes: flapping; the incident stays open.
        let third = ingest(&correlator, clear, at: 50)
        #expect(third.transitions.map(\.kind) == [.alertResolved])
        #expect(third.timeline.contains { $0.kind == .flapping })
        #expect(third.alerts.last?.flapping == true)
        #expect(correlator.state.incidents[id]?.status == .open)
        #expect(correlator.state.incidents[id]?.holdUntil == at(350))

        // It fires and clears again: it joins the open incident, no reopen, no resolve, and
        // the flapping is not announced a second time.
        let fourth = ingest(&correlator, fire, at: 100)
        #expect(fourth.decision == .attached && fourth.incidentID == id)
        #expect(fourth.alerts.first?.flapping == true, "a new alert of a flapping fingerprint starts marked")
        let fourthClear = ingest(&correlator, clear, at: 110)
        #expect(fourthClear.transitions.map(\.kind) == [.alertResolved])
        #expect(!fourthClear.timeline.contains { $0.kind == .flapping })
        #expect(correlator.state.incidents[id]?.holdUntil == at(410))

        // Quiet until the hold-down ends: then it resolves, once.
        #expect(correlator.expire(now: at(409)).transitions.isEmpty)
        let released = correlator.expire(now: at(410))
        #expect(released.transitions.map(\.kind) == [.incidentResolved])
        #expect(correlator.state.incidents[id]?.status == .resolved)
        #expect(correlator.state.incidents[id]?.resolvedAt == at(110), "resolved when it went quiet")
    }

    @Test func aPersonsCommandEndsTheHoldDown() throws {
        var rules = CorrelationRules()
        rules.flapping.resolves = 1
        rules.flapping.holdDown = .seconds(300)
        var correlator = Self.correlator(rules: rules)
        let fire = alert("search", "DiskIOHigh", severity: .warning)
        let clear = alert("search", "DiskIOHigh", status: .resolved, severity: .warning)
        let id = try #require(ingest(&correlator, fire, at: 0).incidentID)
        ingest(&correlator, clear, at: 10)
        ingest(&correlator, fire, at: 20)
        ingest(&correlator, clear, at: 30)
        #expect(correlator.state.incidents[id]?.holdUntil == at(330))

        // Resolved by hand, then reopened: no hold-down resolves it behind the person's back.
        let resolved = try correlator.apply(IncidentCommand(incidentID: id, action: .resolve, by: "ana"), at: at(40))
        #expect(resolved.incidents.last?.holdUntil == nil)
        _ = try correlator.apply(IncidentCommand(incidentID: id, action: .reopen, by: "ana"), at: at(50))
        #expect(correlator.expire(now: at(400)).transitions.isEmpty)
        #expect(correlator.state.incidents[id]?.status == .open)
    }

    @Test func anOutageInhibitsItsSymptoms() throws {
        var rules = CorrelationRules()
        rules.inhibitRules = [InhibitRule(sourceMatchers: [Self.matcher("alertname=DatacenterDown")],
                                          targetMatchers: [Self.matcher("severity=~warning|critical")], equal: ["datacenter"])]
        var correlator = Self.correlator(rules: rules)
        let outage = ingest(&correlator, alert("network", "DatacenterDown", severity: .critical, labels: ["datacenter": "fra1"]), at: 0)
        let source = try #require(outage.incidentID)

        let symptom = ingest(&correlator, alert("search", "SearchLatencyHigh", severity: .warning, labels: ["datacenter": "fra1"]), at: 10)
        #expect(symptom.decision == .suppressed)
        #expect(symptom.incidentID == source, "filed under the source's incident")
        #expect(symptom.alertID == nil)
        #expect(symptom.why?.rule == Correlator.Rule.inhibit)
        #expect(correlator.state.incidents[source]?.alertCount == 1, "not counted toward the source")
        #expect(correlator.state.incidents.count == 1, "nothing opened")

        // Another datacenter is not inhibited; nor is anything once the source resolves.
        #expect(ingest(&correlator, alert("search", "SearchLatencyHigh", severity: .warning, labels: ["datacenter": "ams2"]), at: 20).decision == .opened)
        ingest(&correlator, alert("network", "DatacenterDown", status: .resolved, severity: .critical, labels: ["datacenter": "fra1"]), at: 30)
        #expect(ingest(&correlator, alert("web", "WebLatencyHigh", severity: .warning, labels: ["datacenter": "fra1"]), at: 40).decision == .opened)
    }

    @Test func aSourceThatNoLongerMatchesStopsInhibiting() throws {
        var rules = CorrelationRules()
        rules.inhibitRules = [InhibitRule(sourceMatchers: [Self.matcher("severity=critical")], targetMatchers: [Self.matcher("service=search")])]
        var correlator = Self.correlator(rules: rules)
        let source = Signal(service: "network", title: "Uplink", severity: .critical, dedupKey: "uplink-1")
        ingest(&correlator, source, at: 0)
        #expect(ingest(&correlator, alert("search", "A"), at: 10).decision == .suppressed)
        // The same alert, now only a warning: it no longer matches the source matchers.
        var calmer = source
        calmer.severity = .warning
        #expect(ingest(&correlator, calmer, at: 20).decision == .repeat)
        #expect(ingest(&correlator, alert("search", "B"), at: 30).decision == .opened)
    }

    /// A repeat that makes its alert a source but carries other labels (the fingerprint is its
    /// dedup key) cannot stand in for the alert's labels: the alert's row is asked for.
    @Test func aSourceWhoseRepeatCarriesOtherLabelsIsIndexedFromItsRow() throws {
        var rules = CorrelationRules()
        rules.inhibitRules = [InhibitRule(sourceMatchers: [Self.matcher("severity=critical")], targetMatchers: [Self.matcher("service=search")],
                                          equal: ["zone"])]
        var correlator = Self.correlator(rules: rules)
        var source = Signal(service: "network", title: "Uplink", severity: .warning, labels: ["zone": "a"], dedupKey: "uplink-1")
        let first = ingest(&correlator, source, at: 0)
        source.severity = .critical
        source.labels = ["zone": "b"]
        #expect(ingest(&correlator, source, at: 10).decision == .repeat)
        let id = try #require(first.alertID)
        #expect(correlator.inhibitionSourceRowsNeeded == [id])
        #expect(ingest(&correlator, alert("search", "A", labels: ["zone": "b"]), at: 20).decision == .opened, "not by the repeat's labels")

        // The row: the first labels, the repeat's severity.
        let change = try #require(first.alerts.first)
        let row = AlertState(try #require(correlator.state.alerts[id]), title: try #require(change.title), labels: try #require(change.packedLabels))
        correlator.indexInhibitionSources([row])
        correlator.inhibitionSourcesIndexed()
        #expect(correlator.inhibitionSourceRowsNeeded.isEmpty)
        #expect(ingest(&correlator, alert("search", "B", labels: ["zone": "a"]), at: 30).decision == .suppressed)
    }

    @Test func inhibitionSurvivesARebuildOfTheState() throws {
        var rules = CorrelationRules()
        rules.inhibitRules = [InhibitRule(sourceMatchers: [Self.matcher("alertname=DatacenterDown")], targetMatchers: [Self.matcher("service=search")])]
        var first = Self.correlator(rules: rules)
        let opened = ingest(&first, alert("network", "DatacenterDown", severity: .critical), at: 0)
        // The live state holds no labels: the rebuilt correlator asks for the stored rows.
        var rebuilt = Correlator(rules: rules, state: first.state)
        #expect(rebuilt.inhibitionSourcesNeeded)
        let row = try #require(opened.alerts.first)
        rebuilt.indexInhibitionSources([AlertState(row.live, title: try #require(row.title), labels: try #require(row.packedLabels))])
        rebuilt.inhibitionSourcesIndexed()
        #expect(!rebuilt.inhibitionSourcesNeeded)
        let inhibited = ingest(&rebuilt, alert("search", "Errors"), at: 10)
        #expect(inhibited.decision == .suppressed)
        #expect(inhibited.why?.detail.contains("(DatacenterDown)") == true, "the source's title, from its row")
    }

    @Test func threeAlertsUnderAThresholdOfFour() throws {
        var rules = CorrelationRules()
        rules.thresholds = [ThresholdRule(name: "web-noise", condition: SignalCondition(services: ["web"]), count: 4, window: .seconds(300))]
        var correlator = Self.correlator(rules: rules)
        for (index, name) in ["Err500", "Err502", "Err503"].enumerated() {
            let outcome = ingest(&correlator, alert("web", name), at: Int64(index) * 10)
            #expect(outcome.decision == .pending)
            #expect(outcome.why?.rule == "threshold.web-noise")
            #expect(outcome.why?.detail.hasPrefix("\(index + 1) of the 4") == true)
        }
        #expect(correlator.state.incidents.isEmpty)
        // A resolved alert leaves the count; a repeat does not add to it.
        ingest(&correlator, alert("web", "Err503", status: .resolved), at: 35)
        #expect(ingest(&correlator, alert("web", "Err502"), at: 40).decision == .pending)
        #expect(ingest(&correlator, alert("web", "Err504"), at: 50).decision == .pending)
        // The fourth active alert within the window opens the incident with all four.
        let fourth = ingest(&correlator, alert("web", "Err505"), at: 60)
        #expect(fourth.decision == .opened)
        let incident = try #require(correlator.state.incidents[fourth.incidentID!])
        #expect(incident.alertCount == 4)
        #expect(correlator.state.firingAlertCount(incidentID: incident.id) == 4)
        #expect(Set(fourth.alerts.map(\.title)) == ["Err500", "Err502", "Err504", "Err505"])
        #expect(fourth.transitions.map(\.kind) == [.incidentOpened, .alertFiring, .alertFiring, .alertFiring, .alertFiring])
    }

    @Test func aPendingAlertThatFiresElsewhereIsNotAdoptedTwice() throws {
        var rules = CorrelationRules()
        rules.thresholds = [ThresholdRule(name: "warnings", condition: SignalCondition(severities: [.warning]), count: 3, window: .seconds(300))]
        var correlator = Self.correlator(rules: rules)
        #expect(ingest(&correlator, alert("web", "Slow", severity: .warning), at: 0).decision == .pending)
        // An error (no threshold) opens the key's incident; the pending warning's next send
        // joins it as an alert.
        let opened = ingest(&correlator, alert("web", "Errors", severity: .error), at: 10)
        #expect(opened.decision == .opened)
        #expect(ingest(&correlator, alert("web", "Slow", severity: .warning), at: 20).decision == .attached)
        #expect(correlator.state.incidents.count == 1)
        #expect(correlator.state.firingAlertCount(incidentID: opened.incidentID!) == 2)
    }

    @Test func aHeldAlertThatTimedOutNoLongerCounts() {
        var rules = CorrelationRules()
        rules.thresholds = [ThresholdRule(name: "pair", condition: SignalCondition(), count: 2, window: .seconds(3600))]
        var correlator = Correlator(config: CorrelationConfig(resolveTimeout: .seconds(300)), rules: rules)
        #expect(ingest(&correlator, alert("web", "A"), at: 0).decision == .pending)
        #expect(ingest(&correlator, alert("web", "B"), at: 301).decision == .pending, "A timed out: it counts no more")
        #expect(ingest(&correlator, alert("web", "C"), at: 302).decision == .opened)
    }

    @Test func userReportsCountEachTimeSomeoneWrites() throws {
        var rules = CorrelationRules()
        rules.thresholds = [ThresholdRule(name: "three-reports", condition: SignalCondition(kinds: [.report]), count: 3, window: .seconds(600))]
        var correlator = Self.correlator(rules: rules)
        #expect(ingest(&correlator, Self.prepared(Self.report("payment page hangs")), at: 0).decision == .pending)
        let second = ingest(&correlator, Self.prepared(Self.report("the payment page is slow")), at: 60)
        #expect(second.decision == .pending)
        #expect(second.why?.detail.hasPrefix("2 of the 3 user reports") == true)
        let third = ingest(&correlator, Self.prepared(Self.report("payment page broken")), at: 120)
        #expect(third.decision == .opened)
        let incident = try #require(correlator.state.incidents[third.incidentID!])
        #expect(incident.service == "checkout" && incident.type == .userIssue)
        #expect(incident.alertCount == 1, "one alert: the reports of checkout")
        #expect(incident.reportCount == 3, "every report the incident stands for")
    }

    @Test func alertsOutsideTheThresholdWindowDoNotCount() {
        var rules = CorrelationRules()
        rules.thresholds = [ThresholdRule(name: "pair", condition: SignalCondition(), count: 2, window: .seconds(60))]
        var correlator = Self.correlator(rules: rules)
        #expect(ingest(&correlator, alert("web", "A"), at: 0).decision == .pending)
        #expect(ingest(&correlator, alert("web", "B"), at: 61).decision == .pending)
        #expect(ingest(&correlator, alert("web", "C"), at: 62).decision == .opened)
    }

    @Test func aDeployWhileTheIncidentIsOpenIsAPossibleFix() throws {
        var correlator = Self.correlator()
        let id = try #require(ingest(&correlator, Self.prepared(alert("checkout", "CheckoutErrors")), at: 0).incidentID)
        let fix = ingest(&correlator, Self.prepared(Signal(kind: .change, source: .changes, service: "payments-db", title: "Roll back payments-db config")), at: 300)
        #expect(fix.decision == .recorded)
        let entry = try #require(fix.timeline.first)
        #expect(entry.kind == .possibleFix && entry.incidentID == id)
        #expect(entry.text == "Roll back payments-db config (payments-db) arrived while the incident is open: a possible fix.")
        // A change of an unrelated service notes nothing.
        #expect(ingest(&correlator, Signal(kind: .change, source: .changes, service: "search", title: "Deploy search"), at: 310).timeline.isEmpty)
    }

    @Test func aChangeOutsideTheLookbackIsNoCandidate() {
        var rules = CorrelationRules()
        rules.rollbackLookback = .seconds(600)
        var correlator = Self.correlator(rules: rules)
        ingest(&correlator, Signal(kind: .change, source: .changes, service: "checkout", title: "Deploy"), at: 0)
        #expect(!ingest(&correlator, alert("checkout", "Errors"), at: 601).timeline.contains { $0.kind == .rollbackCandidate })
    }
}
