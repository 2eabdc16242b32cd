import AlertgateCore

/// What a batch adds to the gateway's counters once it commits, tallied as its jobs are placed.
/// The end of a commit, which the next one waits on, then adds a few totals instead of going
/// through every signal again (a hundred alerts per POST: ~800 signals a commit).
struct CommitTally {
    /// Request bodies stored, and their bytes as received and as stored.
    private(set) var payloads: Int64 = 0
    private(set) var payloadBytesIn: Int64 = 0
    private(set) var payloadBytesStored: Int64 = 0
    /// Arrivals by the path they came in: a fold stands for every arrival it counts.
    private(set) var arrivalsBySource: [SignalSource: Int64] = [:]
    /// Arrivals in all.
    private(set) var arrivals: Int64 = 0
    /// Arrivals whose signal was decided (stored), by `Decision.code`.
    private var decidedByCode = [Int64](repeating: 0, count: Self.codes)
    /// Room for every decision's code.
    private static let codes = (Decision.allCases.map(\.code).max() ?? 0) + 1
    /// Arrivals folded into their alert's history instead of stored as signal rows.
    private(set) var folded: Int64 = 0

    /// Counts a stored request body and the outcomes of its signals.
    mutating func add(_ payload: StoredPayload, placed: [PlacedSignal]) {
        payloads += 1
        payloadBytesIn += Int64(payload.originalSize)
        payloadBytesStored += Int64(payload.bytes.count)
        var arrivalsOfPayload: Int64 = 0
        for index in placed.indices {
            let count = placed[index].outcome.fold?.count ?? 1
            arrivalsOfPayload += count
            guard let decision = placed[index].outcome.decision else { continue }
            decidedByCode[decision.code] += count
            if placed[index].outcome.fold != nil { folded += count }
        }
        arrivalsBySource[payload.source, default: 0] += arrivalsOfPayload
        arrivals += arrivalsOfPayload
    }

    /// Arrivals whose signal was given `decision`.
    func decided(_ decision: Decision) -> Int64 { decidedByCode[decision.code] }

    /// Arrivals decided, whatever the decision.
    var decided: Int64 { decidedByCode.reduce(0, +) }
}
