import AlertgateCore
import AlertgateStorage
import Testing

@Suite("Group commit: every item of a batch or none")
struct GroupCommitTests {
    @Test func aBatchOfManyRecordsIsReadableAfterOneCommit() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            var records: [IngestRecord] = []
            for n in 0..<300 {
                records.append(feed.record(alert("svc\(n % 10)", "Alert\(n % 25)"), at: Int64(n)))
            }
            try await store.commit(StoreBatch(entries: records.map { .ingest($0) }))

            let counts = try await store.counts()
            #expect(counts.signals == 300)
            #expect(counts.incidents == feed.correlator.state.nextIncidentID - 1)
            #expect(counts.alerts == feed.correlator.state.nextAlertID - 1)
            for record in records {
                let outcome = try #require(record.signals.first?.outcome)
                let signalID = try #require(outcome.signalID)
                let stored = try #require(try await store.signal(id: signalID))
                #expect(stored.decision == outcome.decision)
                #expect(stored.incidentID == outcome.incidentID)
                #expect(try await store.payload(id: stored.payloadID) != nil)
            }
            // Alerts changed many times in the batch are stored as last seen.
            for alert in feed.correlator.state.alerts.values {
                #expect(try await store.alerts(incidentID: alert.incidentID).map(LiveAlert.init).contains(alert))
            }
        }
    }

    @Test func aBatchThatFailsMidwayLeavesNoRow() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            let first = feed.record(alert("api", "HighLatency"), at: 0)
            try await store.commit(StoreBatch(entries: [.ingest(first)]))
            let before = try await store.counts()
            let apiIncident = try #require(first.signals.first?.outcome.incidentID)
            let storedAlertsBefore = try await store.alerts(incidentID: apiIncident)
            let storedIncidentBefore = try await store.incident(id: apiIncident)
            let timelineBefore = try await store.timeline(incidentID: apiIncident)

            // A new incident, a repeat of the stored alert, then a record reusing the first
            // record's signal id: its insert fails on the primary key after the others went in.
            let newIncident = feed.record(alert("billing", "Down"), at: 10, bytes: Array("new".utf8))
            let repeatOfStored = feed.record(alert("api", "HighLatency"), at: 20)
            var duplicate = feed.record(alert("search", "Slow"), at: 30)
            duplicate.signals[0].outcome.signalID = newIncident.signals[0].outcome.signalID
            let batch = StoreBatch(entries: [.ingest(newIncident), .ingest(repeatOfStored), .ingest(duplicate)])

            await #expect(throws: (any Error).self) { try await store.commit(batch) }

            #expect(try await store.counts() == before, "no payload, signal, alert or incident row was kept")
            for record in [newIncident, repeatOfStored, duplicate] {
                let signalID = try #require(record.signals.first?.outcome.signalID)
                #expect(try await store.signal(id: signalID) == nil)
            }
            let billingIncident = try #require(newIncident.signals.first?.outcome.incidentID)
            #expect(try await store.incident(id: billingIncident) == nil)
            #expect(try await store.alerts(incidentID: billingIncident).isEmpty)
            #expect(try await store.timeline(incidentID: billingIncident).isEmpty)
            #expect(try await store.alerts(incidentID: apiIncident) == storedAlertsBefore, "the repeat's count update was rolled back")
            #expect(try await store.incident(id: apiIncident) == storedIncidentBefore)
            #expect(try await store.timeline(incidentID: apiIncident) == timelineBefore)
            #expect(try store.integrityCheck() == "ok")

            // The store keeps working after a failed batch.
            let later = feed.record(alert("cache", "Evictions"), at: 40)
            try await store.commit(StoreBatch(entries: [.ingest(later)]))
            #expect(try await store.counts().signals == before.signals + 1)
        }
    }

    @Test func outcomesWithoutPayloadAreStoredInTheSameTransaction() async throws {
        try await withTemporaryStore { store in
            var feed = Feed()
            let record = feed.record(alert("api", "HighLatency"), at: 0)
            let incidentID = try #require(record.signals.first?.outcome.incidentID)
            let ack = try feed.correlator.apply(IncidentCommand(incidentID: incidentID, action: .acknowledge, by: "alice"), at: at(5))
            let expiry = feed.correlator.expire(now: at(400))
            try await store.commit(StoreBatch(entries: [.ingest(record), .outcome(ack), .outcome(expiry)]))

            let incident = try #require(try await store.incident(id: incidentID))
            #expect(incident.status == .resolved)
            #expect(incident.acknowledgedAt == at(5))
            #expect(incident.resolvedAt == at(300))
            let kinds = try await store.timeline(incidentID: incidentID).map(\.entry.kind)
            #expect(kinds == [.opened, .classified, .acknowledged, .alertResolved, .resolved])
            #expect(try await store.alerts(incidentID: incidentID).map(\.status) == [.resolved])
        }
    }
}
