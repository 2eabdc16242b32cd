import AlertgateCore
import Testing

/// A silence for the tests: signals of one service, until a time.
private struct ServiceSilence: MuteRule {
    var service: String
    var until: Timestamp

    func verdict(for signal: Signal, at time: Timestamp) -> MuteVerdict? {
        guard signal.service == service, time < until else { return nil }
        return MuteVerdict(.silenced, rule: "silence.test", key: "s-1", reason: "\(service) is in maintenance")
    }
}

/// Suppresses everything: stands for an inhibition rule.
private struct SuppressAll: MuteRule {
    func verdict(for signal: Signal, at time: Timestamp) -> MuteVerdict? {
        MuteVerdict(.suppressed, rule: "inhibit.test", key: "DatacenterDown", reason: "the datacenter is down")
    }
}

@Suite("Muter: silenced and suppressed signals are kept out of incidents")
struct MuterTests {
    @Test func theFirstRuleWithAVerdictWins() {
        let muter = Muter(rules: [ServiceSilence(service: "db", until: at(60)), SuppressAll()])
        #expect(muter.mute(alert("db", "Disk"), at: at(0))?.effect == .silenced)
        #expect(muter.mute(alert("db", "Disk"), at: at(61))?.effect == .suppressed)
        #expect(Muter().mute(alert("db", "Disk"), at: at(0)) == nil)
    }

    @Test func aSilencedSignalIsStoredWithItsReasonAndTouchesNothing() throws {
        var correlator = Correlator(muter: Muter(rules: [ServiceSilence(service: "db", until: at(60))]))
        let muted = ingest(&correlator, alert("db", "Disk full"), at: 10)
        #expect(muted.decision == .silenced)
        #expect(muted.signalID == 1)
        #expect(muted.why?.rule == "silence.test")
        #expect(muted.why?.detail == "db is in maintenance")
        #expect(muted.alertID == nil && muted.incidentID == nil)
        #expect(muted.alerts.isEmpty && muted.incidents.isEmpty && muted.transitions.isEmpty)
        #expect(correlator.state.alerts.isEmpty && correlator.state.incidents.isEmpty)

        // Placed by its own time: after the silence ends, the same alert opens an incident.
        let after = ingest(&correlator, alert("db", "Disk full"), at: 61)
        #expect(after.decision == .opened)
        #expect(after.signalID == 2)
    }

    @Test func aSuppressedSignalSaysSo() {
        var correlator = Correlator(muter: Muter(rules: [SuppressAll()]))
        let outcome = ingest(&correlator, alert("api", "Down"), at: 0)
        #expect(outcome.decision == .suppressed)
        #expect(outcome.why?.key == "DatacenterDown")
    }

    @Test func anAlertFiringBeforeASilenceGoesOnRepeatingAndResolving() {
        var correlator = Correlator(muter: Muter(rules: [ServiceSilence(service: "db", until: at(3600))]))
        // Restored state: the alert fired before the silence began (here: a muter-less correlator's).
        var before = Correlator()
        ingest(&before, alert("db", "Disk full"), at: 0)
        correlator = Correlator(muter: Muter(rules: [ServiceSilence(service: "db", until: at(3600))]), state: before.state)
        #expect(ingest(&correlator, alert("db", "Disk full"), at: 10).decision == .repeat)
        #expect(ingest(&correlator, alert("db", "Disk full", status: .resolved), at: 20).decision == .resolved)
        // A new alert of the service is silenced.
        #expect(ingest(&correlator, alert("db", "Disk slow"), at: 30).decision == .silenced)
    }
}

@Suite("Muter: silences indexed by their name=value matcher")
struct MuterIndexTests {
    static func silence(_ id: Int64, _ matchers: String...) -> Silence {
        Silence(id: id, matchers: matchers.map { try! LabelMatcher(parsing: $0) }, startsAt: at(0), endsAt: at(3600),
                createdBy: "test", comment: "", updatedAt: at(0))
    }

    @Test func aSignalMeetsOnlyTheSilencesItCouldMatchAndTheFirstInOrderWins() {
        let muter = Muter(rules: [
            Self.silence(1, "service=search", "alertname=~Disk.*"),
            Self.silence(2, "alertname=~Disk.*"),
            Self.silence(3, "service=checkout"),
            Self.silence(4, "service=checkout", "alertname=DiskFull"),
        ])
        #expect(Muter(rules: []).mute(alert("checkout", "DiskFull"), at: at(10)) == nil)
        #expect(muter.mute(alert("checkout", "DiskFull"), at: at(10))?.key == "2", "rule order decides, not the index")
        #expect(muter.mute(alert("checkout", "Errors"), at: at(10))?.key == "3")
        #expect(muter.mute(alert("search", "DiskFull"), at: at(10))?.key == "1")
        #expect(muter.mute(alert("web", "Errors"), at: at(10)) == nil)
        #expect(muter.mute(alert("checkout", "Errors"), at: at(3600)) == nil, "expired")
    }
}
