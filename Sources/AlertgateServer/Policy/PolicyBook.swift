import AlertgateCore
import Synchronization

/// The rules in force and the silences, shared by the ingest tasks (enrich), the pipeline
/// (mute, classify, correlate) and the routes that change them. Each change bumps `version`;
/// the pipeline takes the new rules at its next batch, so every batch runs under one set.
public final class PolicyBook: Sendable {
    public struct Snapshot: Sendable {
        public var policy: Policy
        public var silences: [Silence]
        public var version: Int
        /// The enrich stage for this policy, made once per change rather than per request.
        public var enricher: Enricher
    }

    private let state: Mutex<Snapshot>

    public init(policy: Policy = Policy(), silences: [Silence] = []) {
        state = Mutex(Snapshot(policy: policy, silences: silences, version: 1, enricher: policy.enricher))
    }

    public var current: Snapshot { state.withLock { $0 } }
    public var version: Int { state.withLock { $0.version } }
    public var enricher: Enricher { state.withLock { $0.enricher } }

    public func replace(policy: Policy) {
        state.withLock { snapshot in
            snapshot.policy = policy
            snapshot.enricher = policy.enricher
            snapshot.version += 1
        }
    }

    public func replace(silences: [Silence]) {
        state.withLock { snapshot in
            snapshot.silences = silences
            snapshot.version += 1
        }
    }

    /// Puts one stored silence in force (new, or replacing the one with its id), under the
    /// lock: changes that finish in any order each land.
    public func upsert(_ silence: Silence) {
        state.withLock { snapshot in
            snapshot.silences.removeAll { $0.id == silence.id }
            snapshot.silences.append(silence)
            snapshot.silences.sort { $0.id > $1.id }
            snapshot.version += 1
        }
    }

    /// The silence with this id, in force or not.
    public func silence(id: Int64) -> Silence? {
        state.withLock { $0.silences.first { $0.id == id } }
    }
}

extension PolicyBook.Snapshot {
    /// The mute stage: maintenance windows, then silences not yet expired at `now`.
    func muter(now: Timestamp) -> Muter {
        let live: [any MuteRule] = silences.filter { $0.state(at: now) != .expired }
        return Muter(rules: policy.maintenance + live)
    }
}
