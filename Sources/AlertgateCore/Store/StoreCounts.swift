/// Totals for stats and metrics.
public struct StoreCounts: Hashable, Sendable {
    public var signals: Int64
    public var alerts: Int64
    public var incidents: Int64
    public var openIncidents: Int64
    public var payloadBytes: Int64
    public var originalBytes: Int64
    /// Repeats counted in their alerts' histories instead of stored as signals (`Fold`).
    public var repeatsFolded: Int64

    public init(signals: Int64, alerts: Int64, incidents: Int64, openIncidents: Int64, payloadBytes: Int64, originalBytes: Int64,
                repeatsFolded: Int64 = 0) {
        self.signals = signals
        self.alerts = alerts
        self.incidents = incidents
        self.openIncidents = openIncidents
        self.payloadBytes = payloadBytes
        self.originalBytes = originalBytes
        self.repeatsFolded = repeatsFolded
    }
}
