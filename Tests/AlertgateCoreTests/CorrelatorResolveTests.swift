import AlertgateCore
import Testing

@Suite("Correlator: resolve signals and resolve_timeout")
struct CorrelatorResolveTests {
    @Test func resolvingTheLastFiringAlertResolvesTheIncident() throws {
        var correlator = Correlator()
        let a = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let b = ingest(&correlator, alert("api", "ErrorRate"), at: 10)
        let incidentID = try #require(a.incidentID)

        let first = ingest(&correlator, alert("api", "HighLatency", status: .resolved), at: 20)
        #expect(first.decision == .resolved)
        #expect(first.why?.rule == Correlator.Rule.resolveSignal)
        #expect(first.alertID == a.alertID)
        #expect(first.incidentID == incidentID)
        #expect(first.alerts.first { $0.id == a.alertID }?.status == .resolved)
        #expect(correlator.state.incidents[incidentID]?.status == .open, "another alert still fires")
        #expect(!first.timeline.contains { $0.kind == .resolved })

        let last = ingest(&correlator, alert("api", "ErrorRate", status: .resolved), at: 30)
        #expect(last.decision == .resolved)
        #expect(last.alertID == b.alertID)
        let incident = try #require(last.incidents.first { $0.id == incidentID })
        #expect(incident.status == .resolved)
        #expect(incident.resolvedAt == at(30))
        #expect(last.timeline.map(\.kind) == [.alertResolved, .resolved])
        #expect(correlator.state.alerts.isEmpty)
        #expect(correlator.state.incidents[incidentID]?.status == .resolved)
    }

    @Test func aResolveWithoutAFiringAlertIsRecordedAndChangesNothing() {
        var correlator = Correlator()
        ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let before = correlator.state

        let outcome = ingest(&correlator, alert("api", "NeverFired", status: .resolved), at: 10)
        #expect(outcome.decision == .recorded)
        #expect(outcome.why?.rule == "resolve.no_firing_alert")
        #expect(outcome.why?.rule == Correlator.Rule.resolveWithoutAlert)
        #expect(outcome.alertID == nil)
        #expect(outcome.incidentID == nil)
        #expect(outcome.alerts.isEmpty)
        #expect(outcome.incidents.isEmpty)
        #expect(correlator.state.alerts == before.alerts)
        #expect(correlator.state.incidents == before.incidents)
        #expect(correlator.state.nextSignalID == before.nextSignalID + 1)
    }

    @Test func expireResolvesAlertsThatNothingRepeatedForResolveTimeout() throws {
        var correlator = Correlator()
        let a = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let b = ingest(&correlator, alert("api", "ErrorRate"), at: 100)
        let incidentID = try #require(a.incidentID)

        let early = correlator.expire(now: at(299))
        #expect(early.alerts.isEmpty)
        #expect(correlator.state.alerts.count == 2)

        let first = correlator.expire(now: at(300))
        #expect(first.alerts.map(\.id) == [a.alertID])
        #expect(first.alerts.first?.status == .resolved)
        #expect(first.alerts.first?.resolvedAt == at(300))
        #expect(correlator.state.incidents[incidentID]?.status == .open)

        // Expiry runs late: the alert is resolved at lastSeen + resolve_timeout, not at `now`.
        let second = correlator.expire(now: at(450))
        #expect(second.alerts.map(\.id) == [b.alertID])
        #expect(second.alerts.first?.resolvedAt == at(400))
        let incident = try #require(second.incidents.first { $0.id == incidentID })
        #expect(incident.status == .resolved)
        #expect(incident.resolvedAt == at(400))
        #expect(second.timeline.map(\.kind) == [.alertResolved, .resolved])
        #expect(correlator.state.alerts.isEmpty)
    }

    @Test func aLateExpiryResolvesTheIncidentWhenItsLastAlertTimedOut() throws {
        var correlator = Correlator()
        let a = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let b = ingest(&correlator, alert("api", "ErrorRate"), at: 10)
        ingest(&correlator, alert("api", "HighLatency"), at: 100)  // the older alert repeats last
        let incidentID = try #require(a.incidentID)

        let outcome = correlator.expire(now: at(1000))
        #expect(outcome.alerts.first { $0.id == a.alertID }?.resolvedAt == at(400))
        #expect(outcome.alerts.first { $0.id == b.alertID }?.resolvedAt == at(310))
        let incident = try #require(outcome.incidents.first { $0.id == incidentID })
        #expect(incident.resolvedAt == at(400), "the incident resolves with its last alert")
        #expect(outcome.timeline.map(\.at) == [at(310), at(400), at(400)])
        #expect(outcome.timeline.map(\.kind) == [.alertResolved, .alertResolved, .resolved])
    }
}
