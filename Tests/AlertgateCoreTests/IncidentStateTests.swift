import AlertgateCore
import Testing

/// `IncidentState` keeps its strings, services and labels in one shared object; it must still
/// behave as a plain value.
@Suite struct IncidentStateTests {
    static func incident(labels: [String: String] = ["alertname": "HighLatency", "service": "checkout"]) -> IncidentState {
        IncidentState(id: 7, key: "checkout", title: "Checkout p99 above 800 ms", status: .open, severity: .sev3, type: .degradation,
                      service: "checkout", services: ["checkout"], owner: nil, detectedBy: .monitoring,
                      openedAt: Timestamp(milliseconds: 1_795_000_000_000), lastActivity: Timestamp(milliseconds: 1_795_000_000_000),
                      signalCount: 1, alertCount: 1, reportCount: 0, labels: labels)
    }

    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = Self.incident()
        var copy = original
        copy.services.append("payments")
        copy.owner = "team-payments"
        copy.oncall = "payments-primary"
        copy.title = "Checkout and payments failing"
        copy.key = "checkout-payments"
        copy.service = "payments"
        copy.labels["severity"] = "critical"

        #expect(original.services == ["checkout"])
        #expect(original.owner == nil && original.oncall == nil)
        #expect(original.title == "Checkout p99 above 800 ms" && original.key == "checkout" && original.service == "checkout")
        #expect(original.labels["severity"] == nil)
        #expect(copy.services == ["checkout", "payments"])
        #expect(copy.owner == "team-payments" && copy.oncall == "payments-primary")
        #expect(copy.title == "Checkout and payments failing" && copy.key == "checkout-payments" && copy.service == "payments")
        #expect(copy.labels["severity"] == "critical")
        #expect(copy != original)
    }

    @Test func equalityAndHashFollowTheContentsNotTheSharedObject() {
        let one = Self.incident()
        var other = Self.incident()
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
        other.owner = "team-checkout"
        #expect(one != other)
        other.owner = nil
        #expect(one == other)
        #expect(Self.incident(labels: ["alertname": "HighLatency"]) != one)
        #expect(Set([one, other, Self.incident()]).count == 1)
    }
}
