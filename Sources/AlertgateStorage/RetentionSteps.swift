import AlertgateCore

/// The steps of a retention pass that each store carries out in its own SQL; the order of the
/// pass and the paging through old incidents are the same for both (`prune`).
package protocol RetentionSteps: RetentionStore {
    /// Ids of incidents closed before `before`, above `after`, in order, at most `limit`.
    func closedIncidentIDs(after: Int64, closedBefore before: Timestamp, limit: Int) async throws -> [Int64]
    /// Deletes the rows of incident `id`, `batchSize` at a time, then the incident; stops
    /// (keeping the rest) once it is no longer closed before `before`.
    func deleteIncident(_ id: Int64, closedBefore before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws
    /// Deletes the transitions of incidents that are gone, in order of `seq` up to the first
    /// made since `before` (an incident closed before `before` made all of its own before it).
    func pruneTransitions(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws
    /// Deletes signals of no incident received before `before`, with their change rows.
    func pruneUnattachedSignals(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws
    /// Deletes raw payloads received before `before`, but a base a kept payload needs.
    func prunePayloads(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws
}

extension RetentionSteps {
    /// The tables of a deleted incident's rows, in the order they go (each table's rows in
    /// transactions of their own): rows that read from others first, a timeline line may read
    /// its signal's title, a signal its alert's fingerprint. Its transitions go after its row
    /// (`pruneTransitions`): they have no index by incident, which every new alert would pay
    /// for (SQLite v16, PostgreSQL v4).
    package static var rowsOfAnIncident: [(table: String, count: WritableKeyPath<RetentionCounts, Int>)] {
        [("timeline", \.timelineEntries), ("signals", \.signals), ("alerts", \.alerts), ("notifications", \.notifications)]
    }

    public func prune(_ cutoffs: RetentionCutoffs, batchSize: Int) async throws -> RetentionCounts {
        var counts = RetentionCounts()
        if let before = cutoffs.incidentsClosedBefore {
            var after: Int64 = 0
            paging: while !Task.isCancelled {
                let ids = try await closedIncidentIDs(after: after, closedBefore: before, limit: batchSize)
                for id in ids {
                    guard !Task.isCancelled else { break paging }
                    try await deleteIncident(id, closedBefore: before, batchSize: batchSize, into: &counts)
                }
                guard ids.count == batchSize, let last = ids.last else { break }
                after = last
            }
            // Only after a pass deleted an incident can a transition have lost its own; one cut
            // short leaves them for the next that deletes one.
            if counts.incidents > 0 { try await pruneTransitions(before: before, batchSize: batchSize, into: &counts) }
        }
        if let before = cutoffs.signalsBefore {
            try await pruneUnattachedSignals(before: before, batchSize: batchSize, into: &counts)
        }
        if let before = cutoffs.payloadsBefore {
            try await prunePayloads(before: before, batchSize: batchSize, into: &counts)
        }
        return counts
    }
}
