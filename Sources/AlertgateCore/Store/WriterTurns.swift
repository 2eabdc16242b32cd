/// A store that several gateways write at once (PostgreSQL with `storage.writers: all`). A
/// gateway builds and commits batches only in its turn, one gateway at a time, and at the start
/// of each turn learns what the others wrote since its own last commit: its correlator is a
/// cache of the database, which the database overrules.
///
/// The pipeline takes a turn before it builds a batch and ends it once nothing it built is in
/// flight (`IngestPipeline`): it never holds a turn while idle, and under load gives it up
/// after `turnLength` for the others waiting.
public protocol WriterTurns: Sendable {
    /// Whether this store was opened to write in turns; when false the pipeline writes
    /// without them.
    var writesInTurns: Bool { get }

    /// Waits for this gateway's turn to write; then says what changed since its last commit.
    func beginTurn() async throws -> TurnStart

    /// Ends the turn taken by `beginTurn`; another gateway may write.
    func endTurn() async throws
}

/// What a gateway learns when its turn begins.
public enum TurnStart: Sendable {
    /// Nobody else wrote since this gateway's last commit: its correlator is current.
    case current
    /// Other gateways wrote these rows: the correlator takes them (`Correlator.apply`).
    case behind(StateChanges)
    /// What changed is not known (the first turn, a failed commit, a gap in the log of
    /// changes): the correlator is loaded whole.
    case unknown
}

/// Rows other gateways wrote since this one's last commit, as they stand now: every alert and
/// incident they touched, whatever their status, and the highest ids given.
public struct StateChanges: Sendable, Equatable {
    public var alerts: [AlertState]
    public var incidents: [IncidentState]
    public var lastSignalID: Int64
    public var lastAlertID: Int64
    public var lastIncidentID: Int64

    public init(alerts: [AlertState], incidents: [IncidentState], lastSignalID: Int64, lastAlertID: Int64, lastIncidentID: Int64) {
        self.alerts = alerts
        self.incidents = incidents
        self.lastSignalID = lastSignalID
        self.lastAlertID = lastAlertID
        self.lastIncidentID = lastIncidentID
    }
}
