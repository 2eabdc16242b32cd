@testable import AlertgateCore
import Testing

/// `CorrelatorState.incident(forKey:)`: where a new alert of a key goes when the state holds
/// several incidents of that key, with the incidents put in in several orders.
@Suite("CorrelatorState: the incident a new alert of a key joins")
struct CorrelatorStateKeyTests {
    static func incident(_ id: Int64, _ key: String, _ status: IncidentStatus, resolvedAt: Int64? = nil, lastActivity: Int64 = 1_000)
        -> IncidentState {
        IncidentState(
            id: id, key: key, title: "t\(id)", status: status, severity: .sev3, type: .degradation, service: "svc", services: ["svc"],
            owner: nil, detectedBy: .monitoring, openedAt: Timestamp(milliseconds: 0),
            resolvedAt: resolvedAt.map { Timestamp(milliseconds: $0) }, lastActivity: Timestamp(milliseconds: lastActivity),
            signalCount: 1, alertCount: 1, reportCount: 0)
    }

    static func state(_ incidents: [IncidentState]) -> CorrelatorState {
        var state = CorrelatorState()
        for incident in incidents { state.insert(incident) }
        return state
    }

    @Test func theNewestActiveIncidentBeforeAnyResolvedOne() {
        // The resolved one has the highest id and the latest activity of its key.
        let incidents = [
            Self.incident(9, "k", .resolved, resolvedAt: 9_000, lastActivity: 9_000), Self.incident(2, "k", .open),
            Self.incident(5, "k", .acknowledged), Self.incident(4, "k", .open), Self.incident(7, "other", .open),
        ]
        for order in [incidents, incidents.reversed(), [incidents[2], incidents[0], incidents[4], incidents[3], incidents[1]]] {
            #expect(Self.state(order).incident(forKey: "k")?.id == 5)
        }
    }

    @Test func theOneResolvedLastWhenNoneIsActive() {
        let incidents = [
            Self.incident(1, "k", .resolved, resolvedAt: 5_000), Self.incident(2, "k", .resolved, resolvedAt: 9_000),
            Self.incident(3, "k", .resolved, resolvedAt: 7_000),
            // No resolve time: its last activity stands for it; ties go to the higher id.
            Self.incident(4, "k", .resolved, lastActivity: 9_000),
        ]
        for order in [incidents, incidents.reversed()] {
            #expect(Self.state(order).incident(forKey: "k")?.id == 4)
            #expect(Self.state(order.filter { $0.id != 4 }).incident(forKey: "k")?.id == 2)
        }
    }

    @Test func oneIncidentOrNone() {
        let state = Self.state([Self.incident(3, "k", .resolved, resolvedAt: 1), Self.incident(8, "closed", .closed)])
        #expect(state.incident(forKey: "k")?.id == 3)
        // A closed incident is filed under no key.
        #expect(state.incident(forKey: "closed") == nil)
        #expect(state.incident(forKey: "none") == nil)
    }
}
