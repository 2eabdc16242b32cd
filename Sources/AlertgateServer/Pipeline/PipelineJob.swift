import AlertgateCore

/// One unit of work for the pipeline, with what answers its caller after the transaction
/// holding it has committed.
enum PipelineJob: Sendable {
    case ingest(IngestRequest, @Sendable (Result<IngestReceipt, any Error>) -> Void)
    case command(IncidentCommand, CheckedContinuation<Outcome, any Error>)
    case edit(IncidentEdit, CheckedContinuation<Outcome, any Error>)

    /// The incident a command or edit acts on.
    var incidentID: Int64? {
        switch self {
        case .ingest: nil
        case .command(let command, _): command.incidentID
        case .edit(let edit, _): edit.incidentID
        }
    }

    /// Answers the caller with an error without carrying the job out.
    func fail(_ error: any Error) {
        switch self {
        case .ingest(_, let reply): reply(.failure(error))
        case .command(_, let continuation): continuation.resume(throwing: error)
        case .edit(_, let continuation): continuation.resume(throwing: error)
        }
    }

    /// Signals this job adds to a transaction (for the group-commit limit).
    var weight: Int {
        switch self {
        case .ingest(let request, _): max(1, request.signals.count)
        case .command, .edit: 1
        }
    }
}

/// Decoded signals and the compressed original body they came in.
public struct IngestRequest: Sendable {
    public var payload: StoredPayload
    public var signals: [(item: Int, signal: Signal)]
    /// The items that repeat one of `signals` (by its position there), folded on receipt: a
    /// UDP listener's datagrams of one masked message (`Correlator.foldArrivals`).
    public var repeats: [Int: [Int]]
    /// A repeat's own signal, for the rare one placed on its own (its signal left no firing
    /// alert to fold into): decoded again from its bytes then, not on receipt, and enriched
    /// with `enricher`, the policy its signal had.
    public var repeatSignal: (@Sendable (_ item: Int) -> Signal?)?
    public var enricher: Enricher?

    public init(payload: StoredPayload, signals: [(item: Int, signal: Signal)], repeats: [Int: [Int]] = [:],
                repeatSignal: (@Sendable (_ item: Int) -> Signal?)? = nil, enricher: Enricher? = nil) {
        self.payload = payload
        self.signals = signals
        self.repeats = repeats
        self.repeatSignal = repeatSignal
        self.enricher = enricher
    }

    /// The items it carries, repeats included.
    public var itemCount: Int { repeats.isEmpty ? signals.count : signals.count + repeats.values.reduce(0) { $0 + $1.count } }
}

/// What the caller of a stored request is answered with: its signals as they were placed and
/// stored. Their outcomes are read from them only by a caller that wants them (`outcomes`):
/// the Alertmanager API, OTLP, PagerDuty, GELF and UDP answer without.
public struct IngestReceipt: Sendable {
    let placed: [PlacedSignal]

    /// The outcome of each signal placed, in order: one per signal, and one for the repeats
    /// folded into a signal's alert.
    public var outcomes: [Outcome] { placed.map(\.outcome) }
}

/// A person's change to an incident's classification.
public struct IncidentEdit: Sendable {
    public var incidentID: Int64
    public var severity: IncidentSeverity?
    public var type: IncidentType?
    public var owner: String?
    public var title: String?
    public var by: String?

    public init(incidentID: Int64, severity: IncidentSeverity? = nil, type: IncidentType? = nil, owner: String? = nil, title: String? = nil, by: String? = nil) {
        self.incidentID = incidentID
        self.severity = severity
        self.type = type
        self.owner = owner
        self.title = title
        self.by = by
    }
}
