@testable import AlertgateCore
import AlertgateTesting
import Testing

@Suite("LiveAlerts: the firing alerts by id, held as a dictionary would hold them, in reused slots")
struct LiveAlertsTests {
    static func alert(id: Int64, count: Int64 = 1) -> LiveAlert {
        LiveAlert(AlertState(
            id: id, fingerprint: Fingerprint("fp-\(id)"), incidentID: id % 7, status: .firing, kind: .alert,
            service: "svc-\(id % 5)", title: "Alert \(id)", severity: .warning, labels: ["n": "\(id)"],
            firstSeen: Timestamp(milliseconds: id), lastSeen: Timestamp(milliseconds: id), resolvedAt: nil, count: count))
    }

    /// Random inserts, updates and removals (in storms, then drained), checked against a
    /// dictionary: the count after every step, lookups and the values every 397.
    @Test(arguments: 0..<4)
    func behavesAsADictionary(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        var table = LiveAlerts()
        var model: [Int64: LiveAlert] = [:]
        var nextID: Int64 = 1
        var largest = 0
        var repacked = false
        for step in 0..<40_000 {
            // Phases of 10,000 steps: grow by some 9,000 alerts (9 chunks), then drain, so chunks
            // fill, empty and repack.
            let growing = (step / 10_000) % 2 == 0
            let capacity = table.capacity
            defer {
                largest = max(largest, table.capacity)
                if table.capacity < capacity { repacked = true }
            }
            switch random.below(20) {
            case 0..<(growing ? 18 : 1):
                let value = Self.alert(id: nextID)
                table[nextID] = value
                model[nextID] = value
                nextID += 1 + Int64(random.below(3))
            case 18 where !model.isEmpty, 1 where !model.isEmpty:
                let id = model.keys.randomElement(using: &random)!
                let value = Self.alert(id: id, count: Int64(step))
                table[id] = value
                model[id] = value
            default:
                guard let id = model.keys.randomElement(using: &random) else { continue }
                table[id] = nil
                model[id] = nil
            }
            #expect(table.count == model.count, "step \(step)")
            if step % 397 == 0 {
                #expect(Dictionary(uniqueKeysWithValues: table.values.map { ($0.id, $0) }) == model, "step \(step)")
                #expect(table.values.count == model.count)
                for id in Array(model.keys).prefix(50) { #expect(table[id] == model[id]) }
                #expect(table[nextID] == nil)
            }
        }
        #expect(largest >= 8 * LiveAlerts.chunkSize && repacked, "the walk reached a repack")
        for id in model.keys { table[id] = nil }
        #expect(table.isEmpty && table.capacity == 0 && table.values.isEmpty)
    }

    @Test func freedSlotsAreReusedSoTheTableDoesNotGrowWithTurnover() {
        var table = LiveAlerts()
        // 2,000 firing at any time, 100,000 in all: the slots stay those of 2,000.
        for id in Int64(1)...100_000 {
            table[id] = Self.alert(id: id)
            if id > 2_000 { table[id - 2_000] = nil }
        }
        #expect(table.count == 2_000)
        #expect(table.capacity == 2 * LiveAlerts.chunkSize)
    }

    @Test func mostlyEmptySlotsAreGivenBack() {
        var table = LiveAlerts()
        for id in Int64(1)...20_000 { table[id] = Self.alert(id: id) }
        let full = table.capacity
        // Every 50th stays: once the slots in use fall below a quarter the table repacks
        // (to the chunks of the 5,120 then left).
        for id in Int64(1)...20_000 where id % 50 != 0 { table[id] = nil }
        #expect(table.count == 400)
        #expect(table.capacity <= full / 4)
        #expect(Set(table.values.map(\.id)) == Set(stride(from: Int64(50), through: 20_000, by: 50)))
        #expect(table[50] == Self.alert(id: 50))
    }

    @Test func equalityAndHashIgnoreTheSlots() {
        var first = LiveAlerts()
        var second = LiveAlerts()
        for id in Int64(1)...3_000 { first[id] = Self.alert(id: id) }
        for id in Int64(1)...3_000 where id % 2 == 0 { first[id] = nil }
        for id in stride(from: Int64(2_999), through: 1, by: -2) { second[id] = Self.alert(id: id) }
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        second[1] = Self.alert(id: 1, count: 2)
        #expect(first != second)
        #expect([1: Self.alert(id: 1)] as LiveAlerts == { var one = LiveAlerts(); one[1] = Self.alert(id: 1); return one }())
        #expect(first.values.count == 1_500 && first.values.map(\.id).count == 1_500)
    }
}
