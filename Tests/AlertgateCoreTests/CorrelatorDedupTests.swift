import AlertgateCore
import Testing

@Suite("Correlator: duplicates become one alert")
struct CorrelatorDedupTests {
    @Test func duplicatesInsideResolveTimeoutAreOneAlert() throws {
        var correlator = Correlator()
        let signal = alert("api", "HighLatency")

        let first = ingest(&correlator, signal, at: 0)
        #expect(first.decision == .opened)
        let alertID = try #require(first.alertID)
        let incidentID = try #require(first.incidentID)

        let second = ingest(&correlator, signal, at: 60)
        #expect(second.decision == .repeat)
        #expect(second.why?.rule == Correlator.Rule.repeatOfAlert)
        #expect(second.alertID == alertID)
        #expect(second.incidentID == incidentID)
        #expect(second.alerts.map(\.count) == [2])

        // 299 s after the last repeat is still inside resolve_timeout (300 s).
        let third = ingest(&correlator, signal, at: 359)
        #expect(third.decision == .repeat)
        #expect(third.alertID == alertID)

        let live = try #require(correlator.state.alerts[alertID])
        #expect(correlator.state.alerts.count == 1)
        #expect(live.count == 3)
        #expect(live.firstSeen == at(0))
        #expect(live.lastSeen == at(359))
        #expect(correlator.state.incidents[incidentID]?.signalCount == 3)
        #expect(correlator.state.incidents[incidentID]?.alertCount == 1)
    }

    @Test func repeatAfterResolveTimeoutMakesANewAlertAndReopensTheIncident() throws {
        var correlator = Correlator()
        let signal = alert("api", "HighLatency")
        let first = ingest(&correlator, signal, at: 0)
        ingest(&correlator, signal, at: 60)
        let oldAlertID = try #require(first.alertID)
        let incidentID = try #require(first.incidentID)

        // Nothing repeated it between 60 s and 361 s: resolve_timeout (300 s) passed.
        let late = ingest(&correlator, signal, at: 361)
        #expect(late.decision == .reopened)
        #expect(late.incidentID == incidentID)
        let newAlertID = try #require(late.alertID)
        #expect(newAlertID != oldAlertID)

        let old = try #require(late.alerts.first { $0.id == oldAlertID })
        #expect(old.status == .resolved)
        #expect(old.resolvedAt == at(360))
        #expect(old.count == 2)
        let kinds = late.timeline.map(\.kind)
        #expect(kinds == [.alertResolved, .resolved, .reopened, .attached])
        #expect(late.timeline.first { $0.kind == .resolved }?.at == at(360))

        #expect(correlator.state.alerts[oldAlertID] == nil)
        #expect(correlator.state.alerts[newAlertID]?.count == 1)
        #expect(correlator.state.incidents[incidentID]?.status == .open)
        #expect(correlator.state.incidents[incidentID]?.resolvedAt == nil)
    }

    @Test func repeatAfterResolveTimeoutAndReopenWindowOpensANewIncident() throws {
        var correlator = Correlator()
        let signal = alert("api", "HighLatency")
        let first = ingest(&correlator, signal, at: 0)

        // Resolved by timeout at 300 s; the reopen window (1800 s) ends at 2100 s.
        let late = ingest(&correlator, signal, at: 2101)
        #expect(late.decision == .opened)
        #expect(late.incidentID != first.incidentID)
        #expect(late.alertID != first.alertID)
        let oldIncident = try #require(late.incidents.first { $0.id == first.incidentID })
        #expect(oldIncident.status == .resolved)
        #expect(oldIncident.resolvedAt == at(300))
    }
}
