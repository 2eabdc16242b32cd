import AlertgateCore
import Testing

@Suite("Correlator: late and out-of-order signals")
struct CorrelatorLateSignalTests {
    @Test func anEarlierOwnTimeWithinSkewPlacesTheSignalByItsOwnTime() throws {
        var correlator = Correlator()
        let first = ingest(&correlator, alert("api", "HighLatency"), at: 100)
        let alertID = try #require(first.alertID)
        let incidentID = try #require(first.incidentID)

        // Received after the first one, but it happened 60 s before it.
        let outOfOrder = ingest(&correlator, alert("api", "HighLatency", occurredAt: at(40)), at: 110)
        #expect(outOfOrder.effectiveTime == at(40))
        #expect(outOfOrder.decision == .repeat)
        #expect(outOfOrder.alertID == alertID)

        let live = try #require(correlator.state.alerts[alertID])
        #expect(live.firstSeen == at(40))
        #expect(live.lastSeen == at(100), "an older signal does not move lastSeen back")
        #expect(correlator.state.incidents[incidentID]?.openedAt == at(40))
        #expect(correlator.state.incidents[incidentID]?.lastActivity == at(100))
    }

    @Test(arguments: [-600, -1, 0, 1, 600] as [Int64])
    func anOwnTimeWithinMaxClockSkewIsUsed(offsetSeconds: Int64) {
        var correlator = Correlator()
        let outcome = ingest(&correlator, alert("api", "HighLatency", occurredAt: at(1000 + offsetSeconds)), at: 1000)
        #expect(outcome.effectiveTime == at(1000 + offsetSeconds))
        #expect(correlator.state.alerts.values.first?.firstSeen == at(1000 + offsetSeconds))
    }

    @Test(arguments: [-601, 601, -86_400, 86_400] as [Int64])
    func anOwnTimeBeyondMaxClockSkewIsReplacedByReceipt(offsetSeconds: Int64) {
        var correlator = Correlator()
        let outcome = ingest(&correlator, alert("api", "HighLatency", occurredAt: at(1000 + offsetSeconds)), at: 1000)
        #expect(outcome.effectiveTime == at(1000))
        #expect(correlator.state.alerts.values.first?.firstSeen == at(1000))
        #expect(correlator.effectiveTime(of: alert("api", "x", occurredAt: at(1000 + offsetSeconds)), receivedAt: at(1000)) == at(1000))
    }

    @Test func aLateSignalInsideAResolvedIncidentIsFiledThereWithoutReopeningIt() throws {
        var correlator = Correlator()
        let opened = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let incidentID = try #require(opened.incidentID)
        ingest(&correlator, alert("api", "ErrorRate"), at: 100)
        ingest(&correlator, alert("api", "HighLatency", status: .resolved), at: 200)
        ingest(&correlator, alert("api", "ErrorRate", status: .resolved), at: 250)
        #expect(correlator.state.incidents[incidentID]?.status == .resolved)
        #expect(correlator.state.incidents[incidentID]?.resolvedAt == at(250))

        // It happened at 150 s, while the incident was open; it arrives at 300 s.
        let late = ingest(&correlator, alert("api", "Timeouts", occurredAt: at(150)), at: 300)
        #expect(late.effectiveTime == at(150))
        #expect(late.decision == .attached)
        #expect(late.why?.rule == Correlator.Rule.attachLate)
        #expect(late.incidentID == incidentID)
        #expect(!late.timeline.contains { $0.kind == .reopened })

        let incident = try #require(correlator.state.incidents[incidentID])
        #expect(incident.status == .resolved)
        #expect(incident.resolvedAt == at(250))
        #expect(incident.alertCount == 3)
        let lateAlert = try #require(late.alerts.first { $0.id == late.alertID })
        #expect(lateAlert.status == .resolved)
        #expect(lateAlert.resolvedAt == at(250))
        #expect(correlator.state.alerts[lateAlert.id] == nil, "a late alert is not live")
        #expect(correlator.state.firingAlertCount(incidentID: incidentID) == 0)

        // A signal of now, inside the reopen window, still reopens it.
        let now = ingest(&correlator, alert("api", "Timeouts"), at: 320)
        #expect(now.decision == .reopened)
        #expect(now.incidentID == incidentID)
    }
}
