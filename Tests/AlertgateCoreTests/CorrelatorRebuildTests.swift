import AlertgateCore
import Testing

@Suite("Correlator: the same decisions after a rebuild from stored state")
struct CorrelatorRebuildTests {
    /// What the store keeps of a correlator: firing alerts, incidents that are not closed, last ids.
    static func rebuilt(from correlator: Correlator) -> Correlator {
        let state = correlator.state
        let stored = CorrelatorState(
            liveAlerts: state.alerts.values,
            incidents: state.incidents.values.filter { $0.status != .closed },
            lastSignalID: state.nextSignalID - 1,
            lastAlertID: state.nextAlertID - 1,
            lastIncidentID: state.nextIncidentID - 1)
        return Correlator(config: correlator.config, state: stored)
    }

    enum Step {
        case signal(Signal, Int64)
        case expire(Int64)
    }

    static func run(_ step: Step, on correlator: inout Correlator) -> Outcome {
        switch step {
        case .signal(let signal, let seconds): correlator.ingest(signal, receivedAt: at(seconds))
        case .expire(let seconds): correlator.expire(now: at(seconds))
        }
    }

    @Test func furtherSignalsGetIdenticalDecisionsAndIDs() throws {
        var original = Correlator()
        let history: [Step] = [
            .signal(alert("api", "HighLatency"), 0),
            .signal(alert("api", "ErrorRate"), 30),
            .signal(alert("db", "DiskFull"), 40),
            .signal(alert("api", "HighLatency"), 60),
            .signal(alert("db", "DiskFull", status: .resolved), 100),
            .signal(alert("web", "Down"), 120),
            .signal(alert("web", "Down", status: .resolved), 130),
            .signal(Signal(kind: .change, source: .changes, service: "api", title: "deploy v2"), 140),
        ]
        for step in history { _ = Self.run(step, on: &original) }
        var restarted = Self.rebuilt(from: original)
        #expect(restarted.state.alerts == original.state.alerts)
        #expect(restarted.state.incidents == original.state.incidents)

        let further: [Step] = [
            .signal(alert("api", "HighLatency"), 200),                       // repeat
            .signal(alert("db", "DiskFull"), 300),                           // reopen
            .signal(alert("web", "Flaky", occurredAt: at(125)), 310),        // late, filed in the resolved incident
            .signal(alert("db", "Slow"), 320),                               // attach to a firing incident
            .signal(alert("cache", "Evictions", status: .resolved), 330),    // resolve without alert
            .signal(Signal(kind: .report, source: .reports, service: "web", title: "checkout broken"), 340),
            .signal(alert("api", "ErrorRate", status: .resolved), 350),      // resolve one of two
            .expire(700),                                                    // resolve_timeout
            .signal(alert("api", "HighLatency"), 800),                       // reopen after expiry
            .expire(5000),                                                   // forget past reopen window
            .signal(alert("db", "DiskFull"), 5010),                          // new incident
            .signal(alert("web", "Down"), 5020),
        ]
        for step in further {
            let a = Self.run(step, on: &original)
            let b = Self.run(step, on: &restarted)
            #expect(a.decision == b.decision, "\(step)")
            #expect(a.why?.rule == b.why?.rule, "\(step)")
            #expect(a.signalID == b.signalID, "\(step)")
            #expect(a.alertID == b.alertID, "\(step)")
            #expect(a.incidentID == b.incidentID, "\(step)")
            #expect(a == b, "\(step)")
        }
        #expect(restarted.state == original.state)
    }

    @Test func theRebuiltStateOfAFreshCorrelatorContinuesItsIDs() throws {
        var original = Correlator()
        for n in 0..<5 { ingest(&original, alert("svc\(n)", "Down"), at: Int64(n)) }
        var restarted = Self.rebuilt(from: original)
        let a = ingest(&original, alert("svc9", "Down"), at: 10)
        let b = ingest(&restarted, alert("svc9", "Down"), at: 10)
        #expect(a.signalID == 6)
        #expect(b.signalID == 6)
        #expect(a.incidentID == 6)
        #expect(b.incidentID == 6)
        #expect(a.alertID == b.alertID)
    }

    @Test func aRebuildAfterAPersonReopenedAnOlderIncidentOfTheSameKeyKeepsDecisions() throws {
        var original = Correlator()
        let first = ingest(&original, alert("api", "HighLatency"), at: 0)
        ingest(&original, alert("api", "HighLatency", status: .resolved), at: 10)
        // Past the reopen window: a second incident of the same key; the first is not yet expired.
        let second = ingest(&original, alert("api", "HighLatency"), at: 10 + 1801)
        let firstID = try #require(first.incidentID)
        let secondID = try #require(second.incidentID)
        #expect(firstID != secondID)
        _ = try original.apply(IncidentCommand(incidentID: secondID, action: .resolve), at: at(1900))
        _ = try original.apply(IncidentCommand(incidentID: firstID, action: .reopen), at: at(1910))

        var restarted = Self.rebuilt(from: original)
        let a = ingest(&original, alert("api", "ErrorRate"), at: 1920)
        let b = ingest(&restarted, alert("api", "ErrorRate"), at: 1920)
        #expect(a.decision == .attached)
        #expect(a.incidentID == firstID)
        #expect(b.decision == a.decision)
        #expect(b.incidentID == a.incidentID)
    }

    @Test func aNoteOnAnOlderResolvedIncidentDoesNotChangeWhereSignalsGo() throws {
        var original = Correlator()
        let first = ingest(&original, alert("api", "HighLatency"), at: 0)
        ingest(&original, alert("api", "HighLatency", status: .resolved), at: 10)
        let second = ingest(&original, alert("api", "HighLatency"), at: 10 + 1801)
        ingest(&original, alert("api", "HighLatency", status: .resolved), at: 1820)
        let firstID = try #require(first.incidentID)
        let secondID = try #require(second.incidentID)
        _ = try original.apply(IncidentCommand(incidentID: firstID, action: .note, by: "bob", note: "postmortem"), at: at(1830))

        var restarted = Self.rebuilt(from: original)
        let a = ingest(&original, alert("api", "ErrorRate"), at: 1840)
        let b = ingest(&restarted, alert("api", "ErrorRate"), at: 1840)
        #expect(a.decision == .reopened, "the incident resolved 20 s ago reopens")
        #expect(a.incidentID == secondID)
        #expect(b.decision == a.decision)
        #expect(b.incidentID == a.incidentID)
    }
}
