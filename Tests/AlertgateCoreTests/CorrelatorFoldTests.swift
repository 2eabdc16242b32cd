import AlertgateCore
import Testing

@Suite("Correlator: repeats that change nothing but their times fold into their alert")
struct CorrelatorFoldTests {
    @Test func anUnchangedRepeatFoldsWithoutASignalID() throws {
        var correlator = Correlator()
        var signal = alert("api", "HighLatency", labels: ["alertname": "HighLatency"])
        signal.endsAt = at(240)
        let first = ingest(&correlator, signal, at: 0)
        let alertID = try #require(first.alertID)
        #expect(first.signalID == 1 && first.fold == nil)

        // Prometheus's resend: the same alert, a later endsAt.
        signal.endsAt = at(300)
        let second = ingest(&correlator, signal, at: 60)
        #expect(second.decision == .repeat)
        #expect(second.signalID == nil)
        #expect(second.fold == Fold(alertID: alertID, runStartedAt: at(60), at: at(60)))
        #expect(second.alerts.map(\.count) == [2])
        #expect(second.alerts.first?.endsAt == at(300))
        #expect(second.timeline.isEmpty && second.transitions.isEmpty)

        // The run goes on; the next stored signal takes the id the folded ones did not use.
        let third = ingest(&correlator, signal, at: 120)
        #expect(third.fold == Fold(alertID: alertID, runStartedAt: at(60), at: at(120)))
        let other = ingest(&correlator, alert("db", "DiskFull"), at: 121)
        #expect(other.signalID == 2)
        #expect(correlator.state.alerts[alertID]?.count == 3)
        #expect(correlator.state.alerts[alertID]?.runStartedAt == at(60))
    }

    @Test(arguments: ["title", "description", "severity", "labels", "links"])
    func aRepeatThatChangesSomethingIsASignalAndEndsTheRun(field: String) throws {
        var correlator = Correlator()
        var signal = alert("api", "HighLatency")
        signal.dedupKey = "api-latency"
        let first = ingest(&correlator, signal, at: 0)
        let alertID = try #require(first.alertID)
        #expect(ingest(&correlator, signal, at: 60).fold != nil)

        switch field {
        case "title": signal.title = "HighLatency again"
        case "description": signal.description = "p99 over 2 s"
        case "severity": signal.severity = .critical
        case "labels": signal.labels["zone"] = "b"
        default: signal.links = [SignalLink(href: "https://runbooks.example/latency")]
        }
        let changed = ingest(&correlator, signal, at: 120)
        #expect(changed.decision == .repeat, "\(field)")
        #expect(changed.signalID == 2, "\(field): a change is stored as a signal")
        #expect(changed.fold == nil)
        #expect(correlator.state.alerts[alertID]?.runStartedAt == nil)

        // The changed signal is the new reference: its own repeats fold, in a new run. Labels
        // are the alert's for life (the rules read them), so a sender whose labels moved under
        // one dedup key keeps being stored signal by signal.
        let next = ingest(&correlator, signal, at: 180)
        if field == "labels" {
            #expect(next.fold == nil && next.signalID == 3)
        } else {
            #expect(next.fold == Fold(alertID: alertID, runStartedAt: at(180), at: at(180)), "\(field)")
        }
    }

    @Test func aGapLongerThanTheRunGapStartsANewRun() throws {
        var correlator = Correlator(config: CorrelationConfig(resolveTimeout: .seconds(3600), repeatRunGap: .seconds(300)))
        let signal = alert("api", "HighLatency")
        let alertID = try #require(ingest(&correlator, signal, at: 0).alertID)
        #expect(ingest(&correlator, signal, at: 60).fold?.runStartedAt == at(60))
        #expect(ingest(&correlator, signal, at: 360).fold?.runStartedAt == at(60), "300 s apart: the same run")
        #expect(ingest(&correlator, signal, at: 661).fold?.runStartedAt == at(661), "301 s apart: a new run")
        #expect(correlator.state.alerts[alertID]?.count == 4)
    }

    @Test func lateRepeatsAndTheFoldSwitchStoreSignals() throws {
        var correlator = Correlator()
        let signal = alert("api", "HighLatency")
        ingest(&correlator, signal, at: 0)
        #expect(ingest(&correlator, signal, at: 100).fold != nil)
        // Placed before the alert's last arrival by its own time: stored, so its time is kept.
        let late = ingest(&correlator, alert("api", "HighLatency", occurredAt: at(50)), at: 101)
        #expect(late.decision == .repeat && late.fold == nil && late.signalID != nil)

        var keepAll = Correlator(config: CorrelationConfig(foldRepeats: false))
        ingest(&keepAll, signal, at: 0)
        let repeated = ingest(&keepAll, signal, at: 60)
        #expect(repeated.decision == .repeat && repeated.fold == nil && repeated.signalID == 2)
    }

    @Test func theDigestIgnoresTimesOnlyAndIsStable() {
        var signal = alert("api", "HighLatency", labels: ["b": "2", "a": "1"])
        let digest = signal.contentDigest
        signal.occurredAt = at(5)
        signal.endsAt = at(500)
        #expect(signal.contentDigest == digest)
        signal.labels = ["a": "1", "b": "2"]
        #expect(signal.contentDigest == digest, "label order does not matter")
        signal.labels = ["a": "12"]
        #expect(signal.contentDigest != digest)
        signal.labels = ["a": "1", "b": "2"]
        signal.status = .resolved
        #expect(signal.contentDigest != digest)
        // Frozen: stored with every alert, so it must not change between releases.
        #expect(alert("api", "HighLatency").contentDigest == 15_442_657_354_885_839_985)
    }

    /// The fingerprint's text is the last field, whichever way `Fingerprint` holds it (a hash
    /// formatted on the stack, or boxed text). Reference values from FNV-1a 64 over the fields
    /// written out by hand (Python), apart from the code under test.
    @Test(arguments: [
        ("0123456789abcdef" as String?, 0x80FA_2C7C_EC06_0B44 as UInt64),
        ("pagerduty:key-1", 0xDD6E_E2BD_9AB7_7ED2),
        (nil, 0x682E_757C_EE80_F564),
    ])
    func theDigestReadsTheFingerprintsText(fingerprint: String?, expected: UInt64) {
        var signal = Signal(kind: .alert, source: .alertmanagerAPI, status: .firing, service: "api", title: "HighLatency",
                            severity: .warning, labels: ["b": "2", "a": "1"])
        signal.fingerprint = fingerprint.map(Fingerprint.init)
        #expect(signal.contentDigest == expected)
    }
}

@Suite("Correlator: log lines of one masked message fold")
struct CorrelatorLogFoldTests {
    @Test func linesThatDifferInNumbersFoldByTheirFingerprint() throws {
        var correlator = Correlator()
        func line(_ n: Int) -> Signal {
            Signal(kind: .log, source: .syslog, service: "billing", title: "invoice job failed after \(1000 + n) ms",
                   severity: .error, labels: ["procid": "\(4000 + n)"], fingerprint: Fingerprint("syslog:billing:invoice job failed after <n> ms"))
        }
        let first = ingest(&correlator, line(1), at: 0)
        let alertID = try #require(first.alertID)
        let second = ingest(&correlator, line(2), at: 1)
        #expect(second.fold == Fold(alertID: alertID, runStartedAt: at(1), at: at(1)))
        #expect(second.alerts.first?.title == "invoice job failed after 1002 ms", "the alert shows the latest line")
        var early = line(3)
        early.occurredAt = at(-1)
        #expect(ingest(&correlator, early, at: 1).fold != nil, "a line stamped to the second only, before the last: folds")
        // An alert's repeat that changes its text is a signal, as before.
        var alert = alert("api", "HighLatency")
        ingest(&correlator, alert, at: 2)
        alert.description = "p99 over 2 s"
        let changed = ingest(&correlator, alert, at: 3)
        #expect(changed.decision == .repeat && changed.fold == nil)
    }
}

@Suite("Correlator: arrivals folded on receipt")
struct CorrelatorFoldArrivalsTests {
    func line() -> Signal {
        Signal(kind: .log, source: .syslog, service: "billing", title: "invoice failed", severity: .error,
               fingerprint: Fingerprint("syslog:billing:invoice failed"))
    }

    @Test func arrivalsFoldIntoTheAlertTheirLeadLeft() throws {
        var correlator = Correlator()
        let lead = ingest(&correlator, line(), at: 0)
        let alertID = try #require(lead.alertID)
        let arrivals = correlator.foldArrivals(41, placedBy: lead, receivedAt: at(0))
        let folded = try #require(arrivals)
        #expect(folded.decision == .repeat && folded.signalID == nil)
        #expect(folded.fold == Fold(alertID: alertID, runStartedAt: at(0), at: at(0), count: 41))
        #expect(correlator.state.alerts[alertID]?.count == 42)
        #expect(correlator.state.incidents[try #require(lead.incidentID)]?.signalCount == 42)
        #expect(folded.why?.rule == Correlator.Rule.foldRepeat)
        // The next batch's lead folds in the pipeline, into the same run.
        let next = ingest(&correlator, line(), at: 5)
        #expect(next.fold?.runStartedAt == at(0))
        #expect(correlator.foldArrivals(8, placedBy: next, receivedAt: at(5))?.fold?.runStartedAt == at(0))
        #expect(correlator.state.alerts[alertID]?.count == 51)
    }

    @Test func withoutAFiringAlertTheyDoNotFold() throws {
        let silence = Silence(id: 1, matchers: [try LabelMatcher(parsing: "service=billing")], startsAt: at(-60), endsAt: at(3600),
                              createdBy: "ops", comment: "", updatedAt: at(-60))
        var correlator = Correlator(muter: Muter(rules: [silence]))
        let lead = ingest(&correlator, line(), at: 0)
        #expect(lead.decision == .silenced)
        #expect(correlator.foldArrivals(3, placedBy: lead, receivedAt: at(0)) == nil)
        var off = Correlator(config: CorrelationConfig(foldRepeats: false))
        #expect(off.foldArrivals(3, placedBy: ingest(&off, line(), at: 0), receivedAt: at(0)) == nil)
    }
}
