import AlertgateCore
import Synchronization

/// Compresses raw payloads for storage, a repeat against the payload of its key last stored
/// in full: Prometheus resends every firing alert each interval with only `endsAt` changed,
/// and against its previous version such a body shrinks to a few percent.
///
/// Each store owns one (`StoreWriter.preparePayload`): a base's id is only valid in its own
/// database. Runs in the caller's task (the request's), never on the writer. Keeps in memory, per key,
/// the last payload stored in full (a base) and compresses the next one against it
/// (`DictionaryDelta`); the writer tells a base its id after the commit (`PayloadBase`).
/// A base is always stored without dictionary, so restoring any payload takes at most two
/// inflates. A new base is started when the dictionary gains too little. After a restart the
/// cache is empty: the first payload of each key is stored in full again.
public final class PayloadCompressor: Sendable {
    /// A payload compressed against a base must come to at most this share of what the base's
    /// own compression ratio promises; otherwise the payload becomes the new base.
    static let requiredShare = 0.5
    /// Payloads this small are not worth a base.
    static let minimumBaseBytes = 64

    private let cache: Mutex<PayloadBaseCache>
    /// Compressions tried against a base, successful or not (for tests of the back-off).
    let attempts = Atomic<Int>(0)

    /// `budgetBytes` bounds the original bytes of all bases kept.
    public init(budgetBytes: Int = 16 << 20) {
        cache = Mutex(PayloadBaseCache(budget: budgetBytes))
    }

    /// The payload to store for `bytes`.
    ///
    /// - Parameter key: what makes payloads alike within the source: for HTTP the fingerprint
    ///   of the payload's first signal, for UDP the listener.
    public func compress(_ bytes: [UInt8], key: String, source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        let cacheKey = "\(source.code)/\(key)"
        let entry = cache.withLock { $0.entry(cacheKey) }
        var attempted = false
        if let current = entry, current.skips == 0, let baseID = current.base.id {
            attempted = true
            attempts.add(1, ordering: .relaxed)
            let compressed = DictionaryDelta.compress(bytes, against: current.base.bytes)
            let promised = Double(bytes.count) * current.base.plainRatio
            if Double(compressed.count) <= promised * Self.requiredShare {
                if current.failures > 0 {
                    var reset = current
                    reset.failures = 0
                    cache.withLock { $0.set(cacheKey, reset) }
                }
                return StoredPayload(source: source, contentType: contentType, encoding: .zlibDictionary, originalSize: bytes.count,
                                     bytes: compressed, receivedAt: receivedAt, dictionaryID: baseID)
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
        cache.withLock { $0.set(cacheKey, next) }
        return payload
    }

    /// Original bytes of the bases kept (for tests).
    var keptBytes: Int { cache.withLock { $0.totalBytes } }
}
