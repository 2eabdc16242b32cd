/// What a retention pass deleted, by table, and the space it gave back.
public struct RetentionCounts: Hashable, Sendable {
    public var payloads = 0
    /// Signals of no incident, and those of deleted incidents.
    public var signals = 0
    /// Change rows of deleted change signals.
    public var changes = 0
    public var incidents = 0
    public var alerts = 0
    public var timelineEntries = 0
    public var notifications = 0
    public var transitions = 0
    /// Payloads old enough to go but kept because a kept payload is compressed against them
    /// (or may still be).
    public var payloadsHeld = 0
    /// Bytes the file gave back to the file system (incremental vacuum).
    public var releasedBytes: Int64 = 0

    public init() {}

    /// Rows deleted, all tables together.
    public var deletedRows: Int {
        payloads + signals + changes + incidents + alerts + timelineEntries + notifications + transitions
    }

    /// Each table's count, by the name metrics and logs use.
    public var byTable: [(table: String, count: Int)] {
        [("payloads", payloads), ("signals", signals), ("changes", changes), ("incidents", incidents), ("alerts", alerts),
         ("timeline", timelineEntries), ("notifications", notifications), ("transitions", transitions)]
    }

    public static func + (lhs: RetentionCounts, rhs: RetentionCounts) -> RetentionCounts {
        var sum = lhs
        sum.payloads += rhs.payloads
        sum.signals += rhs.signals
        sum.changes += rhs.changes
        sum.incidents += rhs.incidents
        sum.alerts += rhs.alerts
        sum.timelineEntries += rhs.timelineEntries
        sum.notifications += rhs.notifications
        sum.transitions += rhs.transitions
        sum.payloadsHeld += rhs.payloadsHeld
        sum.releasedBytes += rhs.releasedBytes
        return sum
    }
}
