import AlertgateCore
import AlertgateStorage
import Testing

/// Silences, the audit log and the status page's hand-set component states: the same answers
/// from both stores.
@Suite("Silences, audit log and component states on both stores")
struct SmallStoresTests {
    static func silence(_ matchers: [String], from start: Int64, to end: Int64, key: String? = nil) throws -> Silence {
        Silence(id: 0, matchers: try matchers.map { try LabelMatcher(parsing: $0) }, startsAt: at(start), endsAt: at(end),
                createdBy: "ana", comment: "deploy window", updatedAt: at(start), configKey: key)
    }

    @Test(arguments: StoreKind.allCases)
    func silencesAreSavedChangedAndSyncedWithTheConfig(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            let made = try #require(try await store.save(Self.silence(["service=checkout", #"alertname=~"Disk.*""#], from: 0, to: 3600)))
            #expect(made.id > 0)
            var changed = made
            changed.comment = "longer window"
            changed.endsAt = at(7200)
            #expect(try await store.save(changed) == changed)
            var unknown = changed
            unknown.id = made.id + 100
            #expect(try await store.save(unknown) == nil, "an id that is not stored changes nothing")
            #expect(try await store.silences() == [changed])

            // The config's silences: added once by key; one gone from the config ends now.
            let first = try Self.silence(["team=payments"], from: 0, to: 90_000, key: "cfg-a")
            let second = try Self.silence(["team=search"], from: 0, to: 90_000, key: "cfg-b")
            try await store.syncConfigSilences([first, second], now: at(10))
            try await store.syncConfigSilences([first, second], now: at(11))
            #expect(try await store.silences().compactMap(\.configKey).sorted() == ["cfg-a", "cfg-b"])
            try await store.syncConfigSilences([first], now: at(20))
            let stored = try await store.silences()
            #expect(stored.map(\.id) == stored.map(\.id).sorted(by: >), "newest first")
            let ended = try #require(stored.first { $0.configKey == "cfg-b" })
            #expect(ended.endsAt == at(20) && ended.updatedAt == at(20) && ended.state(at: at(21)) == .expired)
            #expect(stored.first { $0.configKey == "cfg-a" }?.endsAt == at(90_000))
            #expect(stored.first { $0.id == made.id } == changed, "a silence made through the API is not the config's to end")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theAuditLogPagesNewestFirst(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            for n in 0..<5 {
                try await store.append(AuditEntry(at: at(Int64(n)), actor: n == 0 ? nil : "ops", address: "127.0.0.1", method: "POST",
                                                  path: "/api/v1/incidents/\(n)/acknowledge", status: n == 4 ? 403 : 200,
                                                  detail: n == 2 ? "by ana" : nil))
            }
            let page = try await store.auditEntries(beforeID: nil, limit: 3)
            #expect(page.map(\.path) == (2...4).reversed().map { "/api/v1/incidents/\($0)/acknowledge" })
            #expect(page.first?.status == 403 && page.last?.detail == "by ana")
            let rest = try await store.auditEntries(beforeID: page.last?.id, limit: 3)
            #expect(rest.count == 2 && rest.last?.actor == nil && rest.last?.at == at(0) && rest.first?.actor == "ops")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aComponentStateIsSetReplacedAndCleared(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            try await store.setComponentState(ComponentStateOverride(service: "search", state: "degraded_performance", setBy: "ana", setAt: at(1)))
            try await store.setComponentState(ComponentStateOverride(service: "checkout", state: "major_outage", setBy: nil, setAt: at(2)))
            try await store.setComponentState(ComponentStateOverride(service: "search", state: "partial_outage", setBy: "bo", setAt: at(3)))
            #expect(try await store.componentStates() == [
                ComponentStateOverride(service: "checkout", state: "major_outage", setBy: nil, setAt: at(2)),
                ComponentStateOverride(service: "search", state: "partial_outage", setBy: "bo", setAt: at(3)),
            ])
            #expect(try await store.clearComponentState(service: "search"))
            #expect(try await !store.clearComponentState(service: "search"))
            #expect(try await store.componentStates().map(\.service) == ["checkout"])
        }
    }
}
