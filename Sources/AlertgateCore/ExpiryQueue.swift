/// When each firing alert resolves by itself, earliest first: a binary min-heap of
/// (expiry, alert id), so the expiry pass takes the alerts that are due without looking at
/// the others. With a million firing alerts, scanning them all cost the pipeline a pause on
/// every tick (`pipeline.expiry_interval`).
///
/// Entries are never updated in place: when an alert's expiry moves (a repeat, a new `endsAt`)
/// the correlator pushes a new entry, and an entry whose alert no longer fires or no longer
/// expires at that time is stale and skipped when it comes up (`Correlator.expire`). Stale
/// entries are bounded by rebuilding from the firing alerts (`Correlator.compactExpiries`).
struct ExpiryQueue: Sendable {
    struct Entry: Comparable, Sendable {
        var at: Timestamp
        var alertID: Int64

        static func < (a: Entry, b: Entry) -> Bool {
            (a.at, a.alertID) < (b.at, b.alertID)
        }
    }

    private var heap: [Entry]

    init(_ entries: [Entry] = []) {
        heap = entries
        // Floyd's heap construction: sift down every parent, last first.
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }

    var count: Int { heap.count }
    var first: Entry? { heap.first }

    mutating func insert(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Takes the earliest entry; the queue must not be empty.
    @discardableResult
    mutating func removeFirst() -> Entry {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        return first
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let smaller = right < heap.count && heap[right] < heap[left] ? right : left
            guard heap[smaller] < heap[parent] else { return }
            heap.swapAt(parent, smaller)
            parent = smaller
        }
    }
}
