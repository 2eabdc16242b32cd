import AlertgateCore
import Testing

@Suite("Correlator: alerts of one key share an incident")
struct CorrelatorGroupingTests {
    @Test func twoFingerprintsOfOneServiceAreOneIncident() throws {
        var correlator = Correlator()
        let first = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let second = ingest(&correlator, alert("api", "ErrorRate"), at: 30)

        #expect(first.decision == .opened)
        #expect(second.decision == .attached)
        #expect(second.why?.rule == Correlator.Rule.attachFiring)
        #expect(second.why?.key == "api")
        #expect(second.incidentID == first.incidentID)
        #expect(second.alertID != first.alertID)
        #expect(second.fingerprint != first.fingerprint)

        let incidentID = try #require(first.incidentID)
        let incident = try #require(correlator.state.incidents[incidentID])
        #expect(incident.alertCount == 2)
        #expect(incident.signalCount == 2)
        #expect(correlator.state.firingAlertCount(incidentID: incident.id) == 2)
        // An error rate joining high latency turns the degradation into an outage.
        #expect(second.timeline.map(\.kind) == [.attached, .escalated])
        #expect(second.timeline.last?.text == "type degradation → outage by rule default.down (ErrorRate)")
    }

    @Test func twoServicesAreTwoIncidents() throws {
        var correlator = Correlator()
        let api = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let db = ingest(&correlator, alert("db", "HighLatency"), at: 10)

        #expect(api.decision == .opened)
        #expect(db.decision == .opened)
        #expect(api.incidentID != db.incidentID)
        #expect(correlator.state.incidents.count == 2)
        #expect(db.incidentID.flatMap { correlator.state.incidents[$0]?.key } == "db")
    }

    @Test func aSignalWithinCorrelationWindowOfAnActiveIncidentWithoutFiringAlertsAttaches() throws {
        var correlator = Correlator()
        let opened = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let incidentID = try #require(opened.incidentID)
        _ = try correlator.apply(IncidentCommand(incidentID: incidentID, action: .resolve), at: at(10))
        _ = try correlator.apply(IncidentCommand(incidentID: incidentID, action: .reopen), at: at(20))
        #expect(correlator.state.firingAlertCount(incidentID: incidentID) == 0)

        let next = ingest(&correlator, alert("api", "ErrorRate"), at: 600)
        #expect(next.decision == .attached)
        #expect(next.why?.rule == Correlator.Rule.attachWindow)
        #expect(next.incidentID == incidentID)

        // Past the correlation window of the last activity (600 s): a new incident.
        _ = try correlator.apply(IncidentCommand(incidentID: incidentID, action: .resolve), at: at(700))
        _ = try correlator.apply(IncidentCommand(incidentID: incidentID, action: .reopen), at: at(710))
        let far = ingest(&correlator, alert("api", "DiskFull"), at: 710 + 601)
        #expect(far.decision == .opened)
        #expect(far.incidentID != incidentID)
    }
}
