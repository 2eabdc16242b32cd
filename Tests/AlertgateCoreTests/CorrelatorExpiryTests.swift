import AlertgateCore
import AlertgateTesting
import Testing

@Suite("Correlator: the expiry pass takes exactly the alerts due, in order, from its queue")
struct CorrelatorExpiryTests {
    /// What the expiry pass must resolve at `now`: every firing alert whose expiry has come,
    /// by (expiry, id), found by looking at them all.
    static func due(in correlator: Correlator, at now: Timestamp) -> [(id: Int64, at: Timestamp)] {
        correlator.state.alerts.values
            .map { (id: $0.id, at: correlator.expiry(of: $0)) }
            .filter { $0.at <= now }
            .sorted { ($0.at, $0.id) < ($1.at, $1.id) }
    }

    @Test(arguments: 0..<6)
    func randomRepeatsEndsAtResolvesAndRestarts(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        var correlator = Correlator()
        var seconds: Int64 = 0
        for step in 0..<1_500 {
            seconds += Int64(random.next() % 20)
            let name = "A\(random.next() % 60)"
            let service = "svc-\(random.next() % 5)"
            switch random.next() % 10 {
            case 0..<6:
                // A firing signal (new or repeat); some carry an endsAt earlier or later than resolve_timeout would give.
                var signal = alert(service, name)
                if random.next() % 3 == 0 { signal.endsAt = at(seconds + Int64(random.next() % 900)) }
                ingest(&correlator, signal, at: seconds)
            case 6:
                ingest(&correlator, alert(service, name, status: .resolved), at: seconds)
            case 7:
                ingest(&correlator, alert(service, name, status: .acknowledged), at: seconds)
            case 8 where step % 200 == 0:
                correlator = CorrelatorRebuildTests.rebuilt(from: correlator)
            default:
                let now = at(seconds)
                let expected = Self.due(in: correlator, at: now)
                let outcome = correlator.expire(now: now)
                let resolved = outcome.alerts.filter { $0.status == .resolved }
                #expect(resolved.map(\.id) == expected.map(\.id), "step \(step)")
                #expect(resolved.map { $0.resolvedAt } == expected.map { $0.at }, "step \(step)")
                #expect(Self.due(in: correlator, at: now).isEmpty)
            }
        }
        // A last pass far ahead resolves every alert still firing.
        let end = at(seconds + 100_000)
        let expected = Self.due(in: correlator, at: end)
        #expect(expected.count == correlator.state.alerts.count)
        #expect(correlator.expire(now: end).alerts.filter { $0.status == .resolved }.map(\.id) == expected.map(\.id))
        #expect(correlator.state.alerts.isEmpty)
    }

    @Test func aRepeatMovesTheExpiryAndOnlyTheNewOneCounts() {
        var correlator = Correlator()
        ingest(&correlator, alert("api", "HighLatency"), at: 0)
        let timeout = correlator.config.resolveTimeout.wholeSeconds
        ingest(&correlator, alert("api", "HighLatency"), at: 200)
        // The entry of the first arrival comes up first and is stale: nothing resolves.
        #expect(correlator.expire(now: at(timeout)).alerts.isEmpty)
        let outcome = correlator.expire(now: at(200 + timeout))
        #expect(outcome.alerts.map(\.status) == [.resolved])
        #expect(outcome.alerts.first?.resolvedAt == at(200 + timeout))
    }
}
