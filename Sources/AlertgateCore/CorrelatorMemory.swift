/// What the correlator remembers that the store does not rebuild: short-lived bookkeeping of
/// its rules. After a restart it starts empty: a threshold counts again from zero, a flap
/// history starts over, and changes before the restart are no longer put on new incidents'
/// timelines (the API still lists them as suspects, from the store).
public struct CorrelatorMemory: Sendable {
    /// A firing signal a threshold rule holds back (`pending`).
    struct PendingAlert: Sendable {
        var fingerprint: Fingerprint
        var signal: Signal
        var at: Timestamp
    }

    /// A change event, kept for the rollback lookback.
    struct RecentChange: Sendable {
        var signalID: Int64
        var at: Timestamp
        var title: String
    }

    /// Where each trace's signals went: the incident the first signal carrying that trace id
    /// was placed in, and when. A check's failure and the failing spans of its trace join one
    /// incident, whichever comes first (`Correlator.traceIncident`).
    var traces: [String: (incidentID: Int64, at: Timestamp)] = [:]
    /// Pending alerts by correlation key.
    var pending: [String: [PendingAlert]] = [:]
    /// When each fingerprint resolved, within the flapping window.
    var flaps: [Fingerprint: [Timestamp]] = [:]
    /// Changes by service, oldest first, within the rollback lookback.
    var changes: [String: [RecentChange]] = [:]
    /// Per inhibit rule (by position): firing source alerts by the values of its `equal` labels.
    var inhibitSources: [[String: Set<Int64>]] = []
    /// Where each indexed source alert went in `inhibitSources`, so it leaves from there even
    /// when its title or severity (which matchers read) changed since; and its title, which
    /// an inhibited signal's `why` names (the live alert does not keep it).
    var inhibitEntries: [Int64: (title: String, entries: [(position: Int, key: String)])] = [:]
    /// Set when the inhibit rules changed, or the state was rebuilt, while alerts fire: their
    /// labels are in the store, not in memory, so the index waits for
    /// `Correlator.indexInhibitionSources`.
    var inhibitSourcesNeeded = false
    /// Firing alerts to index again from their rows: a repeat changed the title or severity
    /// that matchers read, but carried other labels than the alert's (a `dedup_key` alert, a
    /// log line), so it cannot stand in for them.
    var inhibitSourcesToReindex: Set<Int64> = []
    /// The inhibit rules by the anchor of their source matchers: which a firing alert may be
    /// a source of.
    var inhibitSourceRules = AnchorIndex()

    public init() {}
}
