@testable import AlertgateCore
import Testing

@Suite("VerdictMemo: the classifier's verdicts remembered by what its rules read")
struct VerdictMemoTests {
    /// Config rules that read a custom label, a service, a source and a tier, in front of the
    /// defaults (which read `alertname`, `category`, `type`, `security`, ... and the kind).
    static func classifier() throws -> Classifier {
        let rules = ClassificationRules(
            severityRules: [
                SeverityRule(name: "prod-db", condition: SignalCondition(services: ["db"], matchers: [try LabelMatcher(parsing: "env=prod")]), severity: .sev1),
                SeverityRule(name: "tier3-quiet", condition: SignalCondition(tiers: [3]), severity: .sev4),
                SeverityRule(name: "grafana-warn", condition: SignalCondition(sources: [.grafana], severities: [.warning]), severity: .sev2),
            ],
            typeRules: [TypeRule(name: "disk", condition: SignalCondition(matchers: [try LabelMatcher(parsing: "alertname=~Disk.*")]), type: .outage)])
        let catalog = ServiceCatalog(services: [ServiceCatalog.Service(name: "web", tier: 3)])
        return Classifier(rules: rules, catalog: catalog)
    }

    /// Every combination of the values the rules above and the defaults tell apart, and of
    /// labels they never read (`pod`).
    static func signals() -> [Signal] {
        var signals: [Signal] = []
        for source in [SignalSource.events, .grafana] {
            for kind in [SignalKind.alert, .trace, .report] {
                for service in ["db", "web", "api"] {
                    for severity in [Severity.critical, .warning, .info] {
                        for title in ["DiskFull", "HighLatency", "InstanceDown"] {
                            for labels in [[:], ["env": "prod"], ["alertname": "DiskAlmostFull"], ["tier": "3"], ["sev": "sev2"],
                                           ["category": "security"], ["span.kind": "server"], ["pod": "a"], ["pod": "b"], ["severity": "critical"]] {
                                signals.append(Signal(kind: kind, source: source, service: service, title: title, severity: severity, labels: labels))
                            }
                        }
                    }
                }
            }
        }
        return signals
    }

    @Test func everyVerdictIsTheClassifiersOwnFirstAndAgain() throws {
        let classifier = try Self.classifier()
        var memo = VerdictMemo(for: classifier)
        let signals = Self.signals()
        for signal in signals + signals.reversed() {
            #expect(memo.verdict(for: signal, by: classifier) == classifier.verdict(for: signal), "\(signal)")
        }
        // Of each 30 signals with the same source, kind, service and severity, the rules tell 19
        // apart: no rule reads `pod` or the `severity` label, so those three label sets share the
        // verdicts of no labels; an `alertname` label hides the title, so its three titles share one.
        #expect(memo.count == signals.count / 30 * 19)
        #expect(Set(signals.map { classifier.verdict(for: $0) }).count > 10, "the grid reaches many rules")
    }

    @Test func aLabelNoRuleReadsSharesTheVerdict() throws {
        var memo = VerdictMemo(for: Classifier())
        for pod in 0..<100 {
            _ = memo.verdict(for: alert("api", "HighLatency", severity: .warning, labels: ["pod": "pod-\(pod)"]), by: Classifier())
        }
        #expect(memo.count == 1)
    }

    @Test func theTitleCountsWhereItStandsForTheAlertname() {
        var memo = VerdictMemo(for: Classifier())
        let slow = memo.verdict(for: alert("api", "HighLatency", severity: .warning), by: Classifier())
        let down = memo.verdict(for: alert("api", "InstanceDown", severity: .warning), by: Classifier())
        #expect(slow.type == .degradation)
        #expect(down.type == .outage)
        #expect(memo.count == 2)
    }

    @Test func itStartsOverAtItsCapacity() {
        var memo = VerdictMemo(for: Classifier())
        for name in 0..<(VerdictMemo.capacity + 10) {
            let signal = alert("api", "Alert\(name)", severity: .warning, labels: ["alertname": "Alert\(name)"])
            #expect(memo.verdict(for: signal, by: Classifier()) == Classifier().verdict(for: signal))
            #expect(memo.count <= VerdictMemo.capacity)
        }
        #expect(memo.count == 10)
    }

    @Test func aReloadedClassifierDecidesTheNextAlertOfAKindSeenBefore() throws {
        var correlator = Correlator()
        let first = ingest(&correlator, alert("api", "Slow", severity: .warning, labels: ["pod": "a"]), at: 0)
        let id = try #require(first.incidentID)
        #expect(correlator.state.incidents[id]?.severity == .sev3)

        correlator.classifier = Classifier(rules: ClassificationRules(
            severityRules: [SeverityRule(name: "warnings-page", condition: SignalCondition(severities: [.warning]), severity: .sev1)],
            typeRules: []))
        let second = ingest(&correlator, alert("api", "Slow", severity: .warning, labels: ["pod": "b"]), at: 10)
        #expect(second.incidentID == id)
        #expect(correlator.state.incidents[id]?.severity == .sev1, "the new rule decides, not the verdict remembered from before")
    }
}
