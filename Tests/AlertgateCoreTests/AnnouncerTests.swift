import AlertgateCore
import Testing

@Suite("Announcer and the transitions the correlator's outcomes carry")
struct AnnouncerTests {
    func kinds(_ outcome: Outcome) -> [Transition.Kind] { outcome.transitions.map(\.kind) }

    func incident(_ status: IncidentStatus, _ severity: IncidentSeverity = .sev3, services: [String] = ["api"]) -> IncidentState {
        IncidentState(id: 7, key: "api", title: "t", status: status, severity: severity, type: .degradation, service: "api",
                      services: services, owner: nil, detectedBy: .monitoring, openedAt: at(0), lastActivity: at(0),
                      signalCount: 1, alertCount: 1, reportCount: 0)
    }

    @Test func statusChangesAndEscalations() {
        #expect(Announcer.transitions(from: nil, to: incident(.open), at: at(1)).map(\.kind) == [.incidentOpened])
        #expect(Announcer.transitions(from: incident(.open), to: incident(.acknowledged), at: at(1)).map(\.kind) == [.incidentAcknowledged])
        #expect(Announcer.transitions(from: incident(.acknowledged), to: incident(.resolved), at: at(1)).map(\.kind) == [.incidentResolved])
        #expect(Announcer.transitions(from: incident(.resolved), to: incident(.open), at: at(1)).map(\.kind) == [.incidentReopened])
        #expect(Announcer.transitions(from: incident(.resolved), to: incident(.closed), at: at(1)).map(\.kind) == [.incidentClosed])
        #expect(Announcer.transitions(from: incident(.open), to: incident(.open), at: at(1)).isEmpty)

        let worse = Announcer.transitions(from: incident(.open, .sev3), to: incident(.open, .sev1, services: ["api", "db"]), at: at(2))
        #expect(worse == [Transition(kind: .incidentEscalated, at: at(2), incidentID: 7, severity: .sev1, detail: "SEV3 → SEV1, +db")])
        #expect(Announcer.transitions(from: incident(.open, .sev1), to: incident(.open, .sev2), at: at(1)).isEmpty, "milder is no escalation")
        #expect(Announcer.transitions(from: incident(.resolved, .sev3), to: incident(.resolved, .sev1), at: at(1)).isEmpty,
                "a resolved incident does not escalate")
    }

    @Test func signalsOpenEscalateResolveAndReopen() throws {
        var correlator = Correlator(config: CorrelationConfig(groupBy: ["cluster"]))
        let opened = ingest(&correlator, alert("api", "Slow", severity: .warning, labels: ["cluster": "eu"]), at: 0)
        #expect(kinds(opened) == [.incidentOpened, .alertFiring])
        #expect(opened.transitions.allSatisfy { $0.incidentID == opened.incidentID && $0.at == at(0) })
        #expect(opened.transitions.last?.alertID == opened.alertID)

        #expect(kinds(ingest(&correlator, alert("api", "Slow", severity: .warning, labels: ["cluster": "eu"]), at: 5)).isEmpty, "a repeat")
        let worse = ingest(&correlator, alert("db", "Down", severity: .critical, labels: ["cluster": "eu"]), at: 10)
        #expect(kinds(worse) == [.incidentEscalated, .alertFiring])
        #expect(worse.transitions.first?.detail == "SEV3 → SEV1, degradation → outage, +db")
        #expect(worse.transitions.first?.severity == .sev1)

        #expect(kinds(ingest(&correlator, alert("api", "Slow", status: .resolved, labels: ["cluster": "eu"]), at: 20)) == [.alertResolved])
        let last = ingest(&correlator, alert("db", "Down", status: .resolved, labels: ["cluster": "eu"]), at: 30)
        #expect(kinds(last) == [.alertResolved, .incidentResolved])

        let again = ingest(&correlator, alert("db", "Down", labels: ["cluster": "eu"]), at: 60)
        #expect(again.decision == .reopened)
        #expect(kinds(again) == [.incidentReopened, .alertFiring])
    }

    @Test func expiryResolvesAndTheSenderAcknowledges() throws {
        var correlator = Correlator()
        let opened = ingest(&correlator, alert("api", "Slow"), at: 0)
        let acknowledged = ingest(&correlator, alert("api", "Slow", status: .acknowledged), at: 10)
        #expect(kinds(acknowledged) == [.incidentAcknowledged])
        let expired = correlator.expire(now: at(10 + 300))
        #expect(kinds(expired) == [.alertResolved, .incidentResolved])
        #expect(expired.transitions.map(\.at) == [at(310), at(310)])
        #expect(expired.transitions.first?.alertID == opened.alertID)
    }

    @Test func commandsAndEdits() throws {
        var correlator = Correlator()
        let id = try #require(ingest(&correlator, alert("api", "Slow", severity: .warning), at: 0).incidentID)
        #expect(kinds(try correlator.apply(IncidentCommand(incidentID: id, action: .acknowledge, by: "ana"), at: at(1))) == [.incidentAcknowledged])
        #expect(kinds(try correlator.apply(IncidentCommand(incidentID: id, action: .note, by: "ana", note: "looking"), at: at(2))).isEmpty)
        let raised = try correlator.edit(incidentID: id, severity: .sev1, type: nil, owner: nil, title: nil, by: "ana", at: at(3))
        #expect(kinds(raised) == [.incidentEscalated])
        #expect(kinds(try correlator.apply(IncidentCommand(incidentID: id, action: .close, by: "ana"), at: at(4))) == [.incidentClosed, .alertResolved])

        let stored = try #require(raised.incidents.first)
        var closed = stored
        closed.status = .closed
        correlator.restore(closed)
        #expect(kinds(try correlator.apply(IncidentCommand(incidentID: id, action: .reopen, by: "ana"), at: at(5))) == [.incidentReopened])
    }
}
