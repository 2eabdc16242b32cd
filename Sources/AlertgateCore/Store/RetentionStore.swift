/// What the retention service asks of a store. Every method works in short write transactions
/// (at most `batchSize` rows each), so the pipeline's commits go on between them, and returns
/// between two of them, with what it did so far, once the task is cancelled.
public protocol RetentionStore: Sendable {
    /// Deletes closed incidents (with their signals, alerts, timeline, notifications and
    /// transitions), signals of no incident, and raw payloads older than the cutoffs. A payload
    /// that a kept payload is compressed against is kept.
    func prune(_ cutoffs: RetentionCutoffs, batchSize: Int) async throws -> RetentionCounts

    /// Gives the free pages of the file back to the file system, a few at a time; returns how
    /// many bytes the file shrank by.
    func releaseFreePages() async throws -> Int64

    /// Whether this gateway runs the retention pass that starts at `now`: with several
    /// gateways writing to one database, one holds the lease until `until` and renews it at its
    /// next pass; another takes it once it has run out (its holder stopped or died).
    func takeRetentionLease(now: Timestamp, until: Timestamp) async throws -> Bool
}

extension RetentionStore {
    /// A store that one gateway writes alone: its passes are always its own.
    public func takeRetentionLease(now: Timestamp, until: Timestamp) async throws -> Bool { true }
}
