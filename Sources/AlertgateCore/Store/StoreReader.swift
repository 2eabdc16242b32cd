/// What the query API, the CLI and (later) the status page and the notifier read. Readers
/// never write: commands go through the pipeline and `StoreWriter`.
public protocol StoreReader: Sendable {
    func incident(id: Int64) async throws -> IncidentState?
    func incidents(_ query: IncidentQuery) async throws -> [IncidentState]
    func alerts(incidentID: Int64) async throws -> [AlertState]
    func alert(id: Int64) async throws -> AlertState?
    /// The signals stored for an alert (of its incident), newest first.
    func signals(alertID: Int64, incidentID: Int64, limit: Int) async throws -> [StoredSignal]
    /// An alert's runs of folded repeats, newest first.
    func repeatRuns(alertID: Int64, limit: Int) async throws -> [RepeatRun]
    /// Alerts firing now, oldest first.
    func firingAlerts(limit: Int) async throws -> [AlertState]
    /// Alerts seen between `from` and `to` with the most signals folded in, most first;
    /// `flapping` keeps only those that flapped.
    func noisiestAlerts(from: Timestamp, to: Timestamp, flapping: Bool, limit: Int) async throws -> [AlertState]
    func timeline(incidentID: Int64) async throws -> [StoredTimelineEntry]
    func signals(incidentID: Int64, beforeID: Int64?, limit: Int) async throws -> [StoredSignal]
    func signal(id: Int64) async throws -> StoredSignal?
    /// An incident's first signals, oldest first; `kind` keeps only those of one kind.
    func firstSignals(incidentID: Int64, kind: SignalKind?, limit: Int) async throws -> [StoredSignal]
    /// The source of each incident's first signal, in one query however many incidents; an
    /// incident without signals is left out.
    func firstSignalSources(incidentIDs: [Int64]) async throws -> [Int64: SignalSource]
    func payload(id: Int64) async throws -> RawPayload?
    func changes(services: [String], from: Timestamp, to: Timestamp, limit: Int) async throws -> [StoredChange]
    func counts() async throws -> StoreCounts
    /// Incidents open or acknowledged, by severity (for `/metrics`).
    func openIncidentsBySeverity() async throws -> [IncidentSeverity: Int]
    /// Transitions numbered after `sequence`, oldest first: a consumer passes the last number
    /// it handled (0 at first) and resumes there after a restart.
    func transitions(after sequence: Int64, limit: Int) async throws -> [StoredTransition]
}
