/// A run of folded repeats of one alert (`Fold`): repeats that changed nothing but their times,
/// counted instead of stored one signal row each. Their raw bodies stay in `payloads`; the run
/// names the first and the last.
public struct RepeatRun: Hashable, Sendable {
    public var alertID: Int64
    public var startedAt: Timestamp
    public var lastAt: Timestamp
    public var count: Int64
    public var firstPayloadID: Int64
    public var lastPayloadID: Int64

    public init(alertID: Int64, startedAt: Timestamp, lastAt: Timestamp, count: Int64, firstPayloadID: Int64, lastPayloadID: Int64) {
        self.alertID = alertID
        self.startedAt = startedAt
        self.lastAt = lastAt
        self.count = count
        self.firstPayloadID = firstPayloadID
        self.lastPayloadID = lastPayloadID
    }
}
