import AlertgateCore

/// The folded repeats of one batch, summed per run of their alert's repeat history, so the
/// writer writes each run once: an alert's open run into its row, the others into `alert_runs`
/// (migrations `v10-folded-repeats`, `v13-compact-rows`).
package struct FoldedRuns {
    package struct Run {
        package var alertID: Int64
        package var startedAt: Timestamp
        package var lastAt: Timestamp
        package var count: Int64
        package var firstPayloadID: Int64
        package var lastPayloadID: Int64
    }

    private struct Key: Hashable {
        package var alertID: Int64
        package var startedAt: Int64
    }

    package private(set) var inOrder: [Run] = []
    private var positions: [Key: Int] = [:]

    package init() {}

    package var isEmpty: Bool { inOrder.isEmpty }

    /// The batch's part of the run of `alertID` that began at `startedAt`, if it has one.
    package func run(alertID: Int64, startedAt: Timestamp) -> Run? {
        positions[Key(alertID: alertID, startedAt: startedAt.milliseconds)].map { inOrder[$0] }
    }

    package mutating func add(_ fold: Fold, payloadID: Int64) {
        let key = Key(alertID: fold.alertID, startedAt: fold.runStartedAt.milliseconds)
        if let position = positions[key] {
            inOrder[position].count += fold.count
            inOrder[position].lastAt = max(inOrder[position].lastAt, fold.at)
            inOrder[position].lastPayloadID = payloadID
        } else {
            positions[key] = inOrder.count
            inOrder.append(Run(alertID: fold.alertID, startedAt: fold.runStartedAt, lastAt: fold.at, count: fold.count,
                               firstPayloadID: payloadID, lastPayloadID: payloadID))
        }
    }
}
