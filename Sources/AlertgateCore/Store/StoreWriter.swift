/// What the pipeline needs of a store: the correlator's state to start from, incidents to
/// bring back for commands, a transaction per batch, and the store's own way of packing raw
/// payloads. The pipeline is the only writer. SQLite implements it; a shared database server
/// can implement it (and `StoreReader`) for several replicas.
public protocol StoreWriter: Sendable {
    /// The correlator's state as of the last commit: firing alerts, incidents that may still
    /// take signals (resolved ones within `reopenWindow` of `now`), and the last ids given.
    /// With `keys`, only the incidents of those correlation keys and their firing alerts; the
    /// last ids are the store's in any case. Such a part is complete only for signals of those
    /// keys whose fingerprints belong to them: an explicit fingerprint (a `dedup_key`) firing
    /// under another key would not find its alert.
    func loadCorrelatorState(now: Timestamp, reopenWindow: Duration, keys: Set<String>?) async throws -> CorrelatorState

    /// An incident the correlator may have forgotten (closed, or resolved long ago) with its
    /// firing alerts, so a command can act on it; nil when there is no such incident.
    func loadIncident(id: Int64) async throws -> (incident: IncidentState, firingAlerts: [AlertState])?

    /// Rows of firing alerts, with their titles and labels, as of the last commit, ascending by
    /// id: those past `after`, at most `limit`. What the correlator indexes inhibition sources
    /// from (`Correlator.indexInhibitionSources`), since it holds no labels.
    func firingAlertRows(after: Int64, limit: Int) async throws -> [AlertState]

    /// The same, of the alerts `ids` that fire.
    func firingAlertRows(ids: [Int64]) async throws -> [AlertState]

    /// Writes a batch in one transaction; returns after it has committed, and after telling
    /// each payload's `commitObserver` the id the payload got.
    func commit(_ batch: StoreBatch) async throws

    /// Writes a batch in one transaction, as `commit(_:)` does, and calls `completion` once it
    /// has committed or failed, on the store's own thread: a caller that keeps the writer busy
    /// hands it batches without a task of its own per commit.
    func commit(_ batch: StoreBatch, completion: @escaping @Sendable (Result<Void, any Error>) -> Void)

    /// The payload to commit for a request's original bytes. Runs in the caller's task, never
    /// on the writer: `key` tells alike payloads apart (for HTTP the fingerprint of the first
    /// signal, for UDP the listener), so a store may compress a repeat against the last one.
    func preparePayload(_ bytes: [UInt8], key: String, source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload
}

extension StoreWriter {
    /// The whole correlator state (see `loadCorrelatorState(now:reopenWindow:keys:)`).
    public func loadCorrelatorState(now: Timestamp, reopenWindow: Duration) async throws -> CorrelatorState {
        try await loadCorrelatorState(now: now, reopenWindow: reopenWindow, keys: nil)
    }

    /// Runs `commit(_:)` in a task: for a store without a thread of its own.
    public func commit(_ batch: StoreBatch, completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        Task {
            do {
                try await commit(batch)
                completion(.success(()))
            } catch {
                completion(.failure(error))
            }
        }
    }

    /// Keeps the bytes as they are: for a store that does not compress.
    public func preparePayload(_ bytes: [UInt8], key: String, source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        StoredPayload(source: source, contentType: contentType, encoding: .identity, originalSize: bytes.count, bytes: bytes, receivedAt: receivedAt)
    }
}

/// Everything a running gateway asks of its store: what both `SQLiteStore` and
/// `PostgresStore` implement.
public typealias GatewayStore = StoreWriter & StoreReader & SilenceStore & NotificationStore & AuditStore & RetentionStore
    & ComponentStateStore & HeartbeatStore
