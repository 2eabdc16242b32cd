/// The firing alerts the correlator holds, by id: a table of slots in fixed-size chunks and a
/// small index from id to slot.
///
/// Why not `[Int64: LiveAlert]`: a dictionary keeps its values in one buffer that doubles
/// when it is three-quarters full, so with 200,000 firing alerts it held 524,288 values of
/// 176 bytes (92 MiB; whole alerts then) and, while it grew, the old buffer too. Here the values fill chunks of
/// `chunkSize` slots that never move; a freed slot is reused by the next new alert, so the
/// slots in use stay close to the most alerts ever firing at once. Only the index
/// (`[Int64: Int32]`, 12 bytes a bucket) doubles. When under a quarter of the slots are in use
/// (and the table has 8 chunks or more) it is rebuilt packed, giving the memory of an alert
/// storm back: an O(n) step in the removal that crosses the line, as a dictionary's growth is.
public struct LiveAlerts: Sendable {
    static let chunkSize = 1024

    private var slotByID: [Int64: Int32] = [:]
    private var chunks: [[LiveAlert?]] = []
    /// Slots freed by removals, taken last-freed first.
    private var freeSlots: [Int32] = []

    public init() {}

    public var count: Int { slotByID.count }
    public var isEmpty: Bool { slotByID.isEmpty }
    /// Slots allocated (in use or free): the memory held, in values.
    var capacity: Int { chunks.count * Self.chunkSize }

    public subscript(id: Int64) -> LiveAlert? {
        get { slotByID[id].map(value(at:)) }
        set {
            if let newValue { store(newValue, id: id) } else { remove(id: id) }
        }
    }

    /// The values, in slot order (no order callers may rely on).
    public var values: Values { Values(chunks: chunks, count: count) }

    private mutating func store(_ alert: LiveAlert, id: Int64) {
        let slot: Int32
        if let existing = slotByID[id] {
            slot = existing
        } else {
            slot = takeSlot()
            slotByID[id] = slot
        }
        chunks[Int(slot) / Self.chunkSize][Int(slot) % Self.chunkSize] = alert
    }

    private mutating func takeSlot() -> Int32 {
        if let slot = freeSlots.popLast() { return slot }
        // Traps past 2^31 slots: some 290 GB of alerts.
        let first = Int32(capacity)
        chunks.append(Array(repeating: nil, count: Self.chunkSize))
        // Handed out lowest first: the free list holds the chunk's other slots, highest at the bottom.
        freeSlots.append(contentsOf: stride(from: first + Int32(Self.chunkSize) - 1, to: first, by: -1))
        return first
    }

    private mutating func remove(id: Int64) {
        guard let slot = slotByID.removeValue(forKey: id) else { return }
        chunks[Int(slot) / Self.chunkSize][Int(slot) % Self.chunkSize] = nil
        freeSlots.append(slot)
        if slotByID.isEmpty {
            self = LiveAlerts()
        } else if capacity >= 8 * Self.chunkSize, count * 4 < capacity {
            repack()
        }
    }

    /// Moves every value to the front slots and drops the chunks left empty.
    private mutating func repack() {
        var packed = LiveAlerts()
        packed.slotByID.reserveCapacity(count)
        for (id, slot) in slotByID { packed.store(value(at: slot), id: id) }
        self = packed
    }

    private func value(at slot: Int32) -> LiveAlert {
        chunks[Int(slot) / Self.chunkSize][Int(slot) % Self.chunkSize]!
    }

    /// The values of a `LiveAlerts`, chunk by chunk, skipping empty slots. Finding the start
    /// and stepping look past empty slots (O(slots) for a whole walk); `count` is O(1).
    public struct Values: Collection, Sendable {
        fileprivate let chunks: [[LiveAlert?]]
        public let count: Int

        public var isEmpty: Bool { count == 0 }
        public var underestimatedCount: Int { count }

        public var startIndex: Int { occupied(from: 0) }
        public var endIndex: Int { chunks.count * LiveAlerts.chunkSize }

        public subscript(position: Int) -> LiveAlert {
            chunks[position / LiveAlerts.chunkSize][position % LiveAlerts.chunkSize]!
        }

        public func index(after index: Int) -> Int { occupied(from: index + 1) }

        private func occupied(from start: Int) -> Int {
            var position = start
            while position < endIndex, chunks[position / LiveAlerts.chunkSize][position % LiveAlerts.chunkSize] == nil {
                position += 1
            }
            return position
        }
    }
}

extension LiveAlerts: Hashable {
    /// Equal when they hold the same alerts by id, whatever slots they sit in.
    public static func == (lhs: LiveAlerts, rhs: LiveAlerts) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (id, slot) in lhs.slotByID where rhs[id] != lhs.value(at: slot) { return false }
        return true
    }

    /// Independent of slot order, as `==` is: the values' hashes summed.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for value in values { sum &+= value.hashValue }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension LiveAlerts: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (Int64, LiveAlert)...) {
        for (id, alert) in elements {
            precondition(self[id] == nil, "id \(id) appears twice in a LiveAlerts literal")
            self[id] = alert
        }
    }
}
