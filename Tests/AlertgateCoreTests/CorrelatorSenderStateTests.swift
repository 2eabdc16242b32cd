@testable import AlertgateCore
import Testing

/// What senders say about an alert's life: `endsAt` and acknowledgements.
@Suite struct CorrelatorSenderStateTests {
    let start = Timestamp(milliseconds: 1_795_000_000_000)

    func alert(endsAt: Timestamp?, status: SignalStatus = .firing) -> Signal {
        Signal(source: .alertmanagerAPI, status: status, service: "api", title: "HighLatency",
               labels: ["alertname": "HighLatency", "service": "api"], endsAt: endsAt,
               fingerprint: .labels(["alertname": "HighLatency", "service": "api"]))
    }

    @Test func resendsExtendEndsAtAndTheAlertResolvesWhenItPasses() throws {
        var correlator = Correlator(config: CorrelationConfig(resolveTimeout: .seconds(3600)))
        let first = correlator.ingest(alert(endsAt: start + .seconds(240)), receivedAt: start)
        #expect(first.decision == .opened)
        let resend = correlator.ingest(alert(endsAt: start + .seconds(300)), receivedAt: start + .seconds(60))
        #expect(resend.decision == .repeat)
        #expect(resend.alerts.first?.endsAt == start + .seconds(300))

        // Past the first endsAt, not yet the second: still firing, although resolve_timeout is long.
        #expect(correlator.expire(now: start + .seconds(260)).alerts.isEmpty)
        let expired = correlator.expire(now: start + .seconds(301))
        let resolved = try #require(expired.alerts.first)
        #expect(resolved.status == .resolved)
        #expect(resolved.resolvedAt == start + .seconds(300))
        #expect(expired.incidents.first?.status == .resolved)
        #expect(expired.timeline.contains { $0.text?.contains("endsAt passed") == true })
    }

    @Test func aResendAfterEndsAtIsANewAlert() {
        var correlator = Correlator()
        let first = correlator.ingest(alert(endsAt: start + .seconds(240)), receivedAt: start)
        let late = correlator.ingest(alert(endsAt: start + .seconds(600)), receivedAt: start + .seconds(300))
        #expect(late.decision == .reopened)
        #expect(late.alertID != first.alertID)
        #expect(late.incidentID == first.incidentID)
    }

    @Test func acknowledgementFromTheSenderAcknowledgesTheIncident() throws {
        var correlator = Correlator()
        let trigger = Signal(source: .pagerduty, service: "db", title: "DB down", dedupKey: "db-1")
        let opened = correlator.ingest(trigger, receivedAt: start)
        var ack = trigger
        ack.status = .acknowledged
        ack.sender = "pd-client"
        let acknowledged = correlator.ingest(ack, receivedAt: start + .seconds(30))
        #expect(acknowledged.decision == .repeat)
        #expect(acknowledged.why?.rule == Correlator.Rule.acknowledgeSignal)
        #expect(acknowledged.alertID == opened.alertID)
        let incident = try #require(acknowledged.incidents.first)
        #expect(incident.status == .acknowledged)
        #expect(incident.acknowledgedAt == start + .seconds(30))
        #expect(acknowledged.timeline.map(\.kind) == [.acknowledged])
        #expect(acknowledged.timeline.first?.by == "pd-client")

        let again = correlator.ingest(ack, receivedAt: start + .seconds(40))
        #expect(again.timeline.isEmpty)
        var unknown = ack
        unknown.dedupKey = "nothing-fires"
        #expect(correlator.ingest(unknown, receivedAt: start + .seconds(50)).decision == .recorded)
    }
}
