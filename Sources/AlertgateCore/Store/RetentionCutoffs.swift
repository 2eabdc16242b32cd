/// What one retention pass deletes: rows older than these times; nil keeps them all.
public struct RetentionCutoffs: Hashable, Sendable {
    /// Raw payloads received before this.
    public var payloadsBefore: Timestamp?
    /// Signals of no incident received before this.
    public var signalsBefore: Timestamp?
    /// Incidents closed before this, with everything of theirs.
    public var incidentsClosedBefore: Timestamp?

    public init(payloadsBefore: Timestamp? = nil, signalsBefore: Timestamp? = nil, incidentsClosedBefore: Timestamp? = nil) {
        self.payloadsBefore = payloadsBefore
        self.signalsBefore = signalsBefore
        self.incidentsClosedBefore = incidentsClosedBefore
    }
}
