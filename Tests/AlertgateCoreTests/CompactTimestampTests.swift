import AlertgateCore
import AlertgateTesting
import Testing

@Suite("CompactTimestamp: an optional time in 8 bytes, as `Timestamp?` holds it")
struct CompactTimestampTests {
    struct Holder: Hashable {
        @CompactTimestamp var time: Timestamp?
    }

    @Test func nilAndEveryOtherTimeReadBackAsSet() {
        var random = SeededGenerator(seed: 7)
        var values: [Timestamp?] = [nil, Timestamp(milliseconds: 0), Timestamp(milliseconds: -1), Timestamp(milliseconds: .max),
                                    Timestamp(milliseconds: .min + 1)]
        for _ in 0..<1_000 { values.append(Timestamp(milliseconds: Int64(bitPattern: random.next()))) }
        var holder = Holder(time: nil)
        for value in values where value?.milliseconds != .min {
            holder.time = value
            #expect(holder.time == value)
            #expect(Holder(time: value) == holder)
            #expect((Holder(time: value) == Holder(time: nil)) == (value == nil))
        }
        #expect(MemoryLayout<Holder>.size == 8)
    }

    @Test func theValueStandingForNilReadsAsNil() {
        #expect(Holder(time: Timestamp(milliseconds: .min)).time == nil)
    }

    @Test func anAlertsOptionalTimesKeepTheirValues() {
        var alert = AlertState(
            id: 1, fingerprint: Fingerprint("0123456789abcdef"), incidentID: 1, status: .firing, kind: .alert, service: "api",
            title: "HighLatency", severity: .warning, labels: [:], firstSeen: Timestamp(milliseconds: 5), lastSeen: Timestamp(milliseconds: 5),
            resolvedAt: nil, count: 1, endsAt: Timestamp(milliseconds: 9))
        #expect(alert.resolvedAt == nil && alert.endsAt == Timestamp(milliseconds: 9) && alert.runStartedAt == nil)
        alert.resolvedAt = Timestamp(milliseconds: 7)
        alert.endsAt = nil
        alert.runLastAt = Timestamp(milliseconds: 6)
        #expect(alert.resolvedAt == Timestamp(milliseconds: 7) && alert.endsAt == nil && alert.runLastAt == Timestamp(milliseconds: 6))
        // What the correlator holds of each firing alert: the slot of `LiveAlerts` included.
        let live = LiveAlert(alert)
        #expect(live.resolvedAt == Timestamp(milliseconds: 7) && live.endsAt == nil && live.runLastAt == Timestamp(milliseconds: 6))
        #expect(MemoryLayout<LiveAlert>.stride <= 128 && MemoryLayout<LiveAlert?>.stride <= 128)
    }
}
