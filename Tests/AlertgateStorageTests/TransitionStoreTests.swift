import AlertgateCore
import AlertgateStorage
import Testing

@Suite("Transitions: written with the rows that caused them, read back in sequence")
struct TransitionStoreTests {
    @Test func aConsumerResumesAfterTheLastSequenceItHandledAcrossARestart() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        var feed = Feed()
        let store = try SQLiteStore(path: database.path)
        try await store.commit(StoreBatch(entries: [.ingest(feed.record([alert("api", "Slow"), alert("api", "Errors")], at: 0))]))
        let first = try await store.transitions(after: 0, limit: 100)
        #expect(first.map(\.transition.kind) == [.incidentOpened, .alertFiring, .alertFiring])
        #expect(first.map(\.sequence) == [1, 2, 3])
        #expect(first[1].transition.alertID == 1 && first[2].transition.alertID == 2)
        #expect(first.allSatisfy { $0.transition.incidentID == 1 && $0.transition.at == at(0) })

        let command = try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .resolve, by: "ana"), at: at(60))
        try await store.commit(StoreBatch(entries: [.outcome(command)]))

        // After a restart, a consumer that handled up to 3 gets only what came after.
        let reopened = try SQLiteStore(path: database.path)
        let rest = try await reopened.transitions(after: 3, limit: 100)
        #expect(rest.map(\.transition.kind) == [.incidentResolved, .alertResolved, .alertResolved])
        #expect(rest.map(\.sequence) == [4, 5, 6])
        #expect(try await reopened.transitions(after: 4, limit: 1).map(\.sequence) == [5])
        #expect(try await reopened.transitions(after: 6, limit: 100).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func theCorrelatorStateLoadsForASetOfKeys(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Feed()
            try await store.commit(StoreBatch(entries: [
                .ingest(feed.record([alert("api", "Slow"), alert("db", "Down"), alert("web", "5xx")], at: 0)),
            ]))
            let some = try await store.loadCorrelatorState(now: at(10), reopenWindow: .seconds(1800), keys: ["api", "web"])
            #expect(Set(some.incidents.values.map(\.key)) == ["api", "web"])
            #expect(Set(some.alerts.values.map(\.service)) == ["api", "web"])
            // Ids go on from the store's last, whatever keys were loaded.
            #expect(some.nextSignalID == 4 && some.nextAlertID == 4 && some.nextIncidentID == 4)
            let whole = try await store.loadCorrelatorState(now: at(10), reopenWindow: .seconds(1800))
            #expect(whole.incidents.count == 3 && whole.alerts.count == 3)
        }
    }
}
