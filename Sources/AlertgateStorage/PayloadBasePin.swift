import AlertgateCore

/// Holds the base a dictionary payload is compressed against, for retention, from the moment
/// the compressor took the base until the payload is committed (the stored row then refers to
/// the base) or dropped (nothing does). It is the payload's commit observer, so it lives as
/// long as the payload; it lets go when it is released.
final class PayloadBasePin: StoredPayload.CommitObserver {
    let compressor: PayloadCompressor
    let baseID: Int64

    init(compressor: PayloadCompressor, baseID: Int64) {
        self.compressor = compressor
        self.baseID = baseID
    }

    func payloadCommitted(id: Int64) {}

    deinit {
        compressor.unpin(baseID)
    }
}
