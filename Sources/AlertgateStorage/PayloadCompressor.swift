import AlertgateCore
import Synchronization

/// Compresses raw payloads for storage, a repeat against the payload of its key last stored
/// in full: Prometheus resends every firing alert each interval with only `endsAt` changed,
/// and against its previous version such a body shrinks to a few percent.
///
/// Each store owns one (`StoreWriter.preparePayload`): a base's id is only valid in its own
/// database. Runs in the caller's task (the request's), never on the writer. Keeps in memory, per key,
/// the last payload stored in full (a base) and compresses the next one against it
/// (`XORDelta` when no byte moved, else `DictionaryDelta`); the writer tells a base its id after the commit (`PayloadBase`).
/// A base is always stored without dictionary, so restoring any payload takes at most two
/// inflates. A new base is started when the dictionary gains too little. After a restart the
/// cache is empty: the first payload of each key is stored in full again.
///
/// Retention deletes old payloads, bases too, so the two agree under the lock (`retire`): a
/// payload compressed against a base pins it (`PayloadBasePin`) from the moment the base is
/// taken from the cache until the payload is committed or dropped, and a base retention retires
/// leaves the cache, so nothing new is compressed against it.
public final class PayloadCompressor: Sendable {
    /// A payload compressed against a base must come to at most this share of what the base's
    /// own compression ratio promises; otherwise the payload becomes the new base.
    static let requiredShare = 0.5
    /// Payloads this small are not worth a base.
    static let minimumBaseBytes = 64

    private struct State {
        var cache: PayloadBaseCache
        /// Base id → payloads compressed against it and not yet committed or dropped.
        var pins: [Int64: Int] = [:]
    }

    private let state: Mutex<State>
    /// Compressions tried against a base, successful or not (for tests of the back-off).
    let attempts = Atomic<Int>(0)

    /// `budgetBytes` bounds the memory of all bases kept (their original bytes and a fixed
    /// cost each, `PayloadBaseCache.entryOverhead`). 8 MiB holds the bases of ~12,000 alerts
    /// sent one per POST, or of ~60 POSTs of 256 alerts; keys seen once hold at most a
    /// quarter of it (`PayloadBaseCache.probationShare`).
    public init(budgetBytes: Int = 8 << 20) {
        state = Mutex(State(cache: PayloadBaseCache(budget: budgetBytes)))
    }

    /// The payload to store for `bytes`.
    ///
    /// - Parameter key: what makes payloads alike within the source: for HTTP the fingerprint
    ///   of the payload's first signal, for UDP the listener.
    public func compress(_ bytes: [UInt8], key: String, source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        let cacheKey = PayloadBaseCache.key(source: source, key)
        // The base is pinned in the same step it is taken: retention cannot retire it in between.
        let (entry, pin) = state.withLock { state -> (PayloadBaseCache.Entry?, PayloadBasePin?) in
            let entry = state.cache.entry(cacheKey)
            guard let entry, entry.skips == 0, let baseID = entry.base.id else { return (entry, nil) }
            state.pins[baseID, default: 0] += 1
            return (entry, PayloadBasePin(compressor: self, baseID: baseID))
        }
        var attempted = false
        if let current = entry, let pin {
            let baseID = pin.baseID
            attempted = true
            attempts.add(1, ordering: .relaxed)
            // A resend as long as its base is tried as an XOR delta first: far smaller when no
            // byte moved (`XORDelta`), and the dictionary delta still when some did.
            let promised = Double(bytes.count) * current.base.plainRatio
            var encoding = StoredPayload.Encoding.zlibXORDelta
            var compressed = XORDelta.compress(bytes, against: current.base.bytes) ?? []
            if compressed.isEmpty || Double(compressed.count) > promised * Self.requiredShare {
                encoding = .zlibDictionary
                compressed = DictionaryDelta.compress(bytes, against: current.base.bytes)
            }
            if Double(compressed.count) <= promised * Self.requiredShare {
                if current.failures > 0 {
                    var reset = current
                    reset.failures = 0
                    state.withLock { $0.cache.set(cacheKey, reset) }
                }
                return StoredPayload(source: source, contentType: contentType, encoding: encoding, originalSize: bytes.count,
                                     bytes: compressed, receivedAt: receivedAt, dictionaryID: baseID, commitObserver: pin)
            }
        }

        var payload = StoredPayload.compressing(bytes, source: source, contentType: contentType, receivedAt: receivedAt)
        guard bytes.count >= Self.minimumBaseBytes else { return payload }
        let base = PayloadBase(bytes: bytes, storedSize: payload.bytes.count)
        payload.commitObserver = base
        // Concurrent payloads of one key may race here; the last base set wins, which is harmless.
        var next = entry.map { PayloadBaseCache.Entry(base: base, failures: $0.failures, skips: max(0, $0.skips - 1)) }
            ?? PayloadBaseCache.Entry(base: base)
        if attempted {
            // Back off: after n failures in a row, store 2^n - 1 payloads in full before trying again.
            next.failures += 1
            next.skips = min((1 << min(next.failures, 6)) - 1, 63)
        }
        state.withLock { $0.cache.set(cacheKey, next) }
        return payload
    }

    /// For retention, about to delete the payloads `ids`, older than it keeps: none of them is
    /// used as a base again (each key they were the base of starts a new one). Returns those
    /// that payloads not yet committed are compressed against: they must stay for now.
    package func retire(bases ids: [Int64]) -> Set<Int64> {
        state.withLock { state in
            state.cache.remove(baseIDs: Set(ids))
            return Set(ids.filter { state.pins[$0] != nil })
        }
    }

    func unpin(_ baseID: Int64) {
        state.withLock { state in
            guard let count = state.pins[baseID] else { return }
            state.pins[baseID] = count > 1 ? count - 1 : nil
        }
    }

    /// Original bytes of the bases kept (for tests).
    var keptBytes: Int { state.withLock { $0.cache.totalBytes } }
}
