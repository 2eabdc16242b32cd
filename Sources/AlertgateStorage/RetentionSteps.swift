import AlertgateCore

/// The steps of a retention pass that each store carries out in its own SQL; the order of the
/// pass and the paging through old incidents are the same for both (`prune`).
package protocol RetentionSteps: RetentionStore {
    /// Ids of incidents closed before `before`, above `after`, in order, at most `limit`.
    func closedIncidentIDs(after: Int64, closedBefore before: Timestamp, limit: Int) async throws -> [Int64]
    /// Deletes the rows of incident `id`, `batchSize` at a time, then the incident; stops
    /// (keeping the rest) once it is no longer closed before `before`.
    func deleteIncident(_ id: Int64, closedBefore before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws
    /// Deletes signals of no incident received before `before`, with their change rows.
    func pruneUnattachedSignals(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws
    /// Deletes raw payloads received before `before`, but a base a kept payload needs.
    func prunePayloads(before: Timestamp, batchSize: Int, into counts: inout RetentionCounts) async throws
}

extension RetentionSteps {
    /// The rows of a deleted incident, in the order they go (each step's rows in transactions
    /// of their own): rows that read from others first, a timeline line may read its signal's
    /// title, a signal its alert's fingerprint; the timeline lines and transitions of its
    /// alerts while the alerts that find them are there.
    package static var rowsOfAnIncident: [IncidentRows] {
        [IncidentRows("timeline", \.timelineEntries, foundBy: .itsAlerts), IncidentRows("timeline", \.timelineEntries, foundBy: .incidentAlone),
         IncidentRows(listedBy: .signals, \.signals),
         IncidentRows("transitions", \.transitions, foundBy: .itsAlerts), IncidentRows(listedBy: .alerts, \.alerts),
         IncidentRows("notifications", \.notifications), IncidentRows("transitions", \.transitions, foundBy: .incidentAlone)]
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

/// One step of deleting an incident's rows: a table, and how its rows of the incident are found.
package struct IncidentRows: Sendable {
    package enum Lookup: Sendable {
        /// By the table's `incident_id` (each such table has an index by incident).
        case incident
        /// Rows of the incident itself, no alert's: `alert_id IS NULL` (transitions, v16;
        /// timeline, v17).
        case incidentAlone
        /// Rows of the incident's alerts, by `alert_id` through the incident's alerts
        /// (transitions, v16; timeline, v17: an alert stays in the incident it was made in, and
        /// so do its rows). Whatever incident a row names, it goes with its alert: none is left
        /// behind pointing at an alert that is gone.
        case itsAlerts
        /// The rows the incident lists, its alerts or its signals: SQLite reads (and deletes)
        /// the list a piece at a time (`IncidentList`, v18), PostgreSQL finds them by incident.
        case listed(IncidentList)
    }

    package let table: String
    package let count: WritableKeyPath<RetentionCounts, Int> & Sendable
    package let foundBy: Lookup

    init(_ table: String, _ count: WritableKeyPath<RetentionCounts, Int> & Sendable, foundBy: Lookup = .incident) {
        self.table = table
        self.count = count
        self.foundBy = foundBy
    }

    /// The rows `list` lists.
    init(listedBy list: IncidentList, _ count: WritableKeyPath<RetentionCounts, Int> & Sendable) {
        self.init(list.table, count, foundBy: .listed(list))
    }
}
