import AlertgateCore
import Testing

@Suite("Classifier: severity, type and owner of incidents")
struct ClassifierTests {
    @Test(arguments: [
        (Severity.critical, IncidentSeverity.sev1), (.error, .sev2), (.warning, .sev3), (.info, .sev4),
    ])
    func severityMapsToSEV(severity: Severity, expected: IncidentSeverity) {
        #expect(Classifier().severity(of: Signal(service: "api", title: "x", severity: severity)) == expected)
    }

    @Test func aSevLabelWins() {
        let signal = Signal(service: "api", title: "x", severity: .critical, labels: ["sev": "sev3"])
        #expect(Classifier().severity(of: signal) == .sev3)
    }

    @Test func types() {
        #expect(Classifier().type(of: Signal(kind: .report, source: .reports, service: "web", title: "x")) == .userIssue)
        #expect(Classifier().type(of: Signal(service: "api", title: "x", labels: ["category": "security"])) == .security)
        #expect(Classifier().type(of: Signal(kind: .report, service: "web", title: "x", labels: ["category": "Security"])) == .security)
        #expect(Classifier().type(of: Signal(service: "api", title: "x", severity: .critical)) == .outage)
        #expect(Classifier().type(of: Signal(service: "api", title: "x", severity: .warning)) == .degradation)
        #expect(Classifier().type(of: Signal(kind: .trace, service: "api", title: "x", severity: .warning)) == .outage)
    }

    @Test func theIncidentKeepsTheWorstSeverityAndStrongestType() throws {
        var correlator = Correlator()
        let first = ingest(&correlator, alert("api", "Slow", severity: .warning, labels: ["team": "payments"]), at: 0)
        let id = try #require(first.incidentID)
        #expect(correlator.state.incidents[id]?.severity == .sev3)
        #expect(correlator.state.incidents[id]?.type == .degradation)
        #expect(correlator.state.incidents[id]?.owner == "payments")

        ingest(&correlator, alert("api", "Down", severity: .critical, labels: ["team": "infra"]), at: 10)
        ingest(&correlator, alert("api", "Note", severity: .info), at: 20)
        let incident = try #require(correlator.state.incidents[id])
        #expect(incident.severity == .sev1)
        #expect(incident.type == .outage)
        #expect(incident.owner == "payments", "the first owner seen stays")
    }

    @Test func aUserReportOpensAUserIssue() throws {
        var correlator = Correlator()
        let report = Signal(kind: .report, source: .reports, service: "web", title: "checkout broken", severity: .warning)
        let outcome = correlator.ingest(report, receivedAt: at(0))
        let incident = try #require(outcome.incidents.first)
        #expect(incident.type == .userIssue)
        #expect(incident.detectedBy == .userReport)
        #expect(incident.reportCount == 1)
    }

    @Test func rulesInTheConfigComeBeforeTheDefaults() throws {
        var rules = ClassificationRules(
            severityRules: [SeverityRule(name: "warnings-page", condition: SignalCondition(severities: [.warning]), severity: .sev2)],
            typeRules: [TypeRule(name: "abuse", condition: SignalCondition(matchers: [try LabelMatcher(parsing: "type=~(?i)abuse")]), type: .security)])
        rules.severityLabel = nil
        rules.ownerLabels = ["squad"]
        let classifier = Classifier(rules: rules)
        #expect(classifier.severity(of: Signal(service: "api", title: "x", severity: .warning, labels: ["sev": "SEV4"])) == .sev2,
                "the sev label is off")
        #expect(classifier.verdict(for: Signal(service: "api", title: "x", severity: .warning)).severityRule == "warnings-page")
        #expect(classifier.type(of: Signal(service: "api", title: "x", labels: ["type": "Abuse"])) == .security)
        #expect(classifier.owner(of: Signal(service: "api", title: "x", labels: ["team": "a", "squad": "b"])) == "b")
        #expect(classifier.severity(of: Signal(service: "api", title: "x", severity: .critical)) == .sev1, "the defaults follow")

        var correlator = Correlator(classifier: classifier)
        let outcome = ingest(&correlator, alert("api", "Slow", severity: .warning, labels: ["squad": "core"]), at: 0)
        let incident = try #require(outcome.incidents.first)
        #expect(incident.severity == .sev2)
        #expect(incident.owner == "core")
    }

    @Test func aSeverityOrTypeSetByHandIsLeftAlone() throws {
        var correlator = Correlator()
        let id = try #require(ingest(&correlator, alert("api", "Slow", severity: .warning), at: 0).incidentID)
        _ = try correlator.edit(incidentID: id, severity: .sev4, type: .security, owner: nil, title: nil, by: "ana", at: at(1))
        ingest(&correlator, alert("api", "Down", severity: .critical), at: 2)
        #expect(correlator.state.incidents[id]?.severity == .sev4)
        #expect(correlator.state.incidents[id]?.type == .security)
    }
}
