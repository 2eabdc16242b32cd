import AlertgateCore
import Synchronization

/// A payload stored in full whose original bytes later payloads of the same key are
/// compressed against. It can be referred to only once the writer has told it its id, after
/// the commit: an id from a transaction that rolled back would be handed out again.
final class PayloadBase: StoredPayload.CommitObserver {
    let bytes: [UInt8]
    /// Stored size ÷ original size of the base itself: roughly what compression without a
    /// dictionary gives for this key, the yardstick for the dictionary's gain. A base is stored
    /// at level 1 (`StoredPayload.fullLevel`) and a delta at 6, so the yardstick is ~10 % more
    /// generous than at equal levels (a resend's delta is a few percent of its base).
    let plainRatio: Double
    /// 0 until committed (SQLite row ids start at 1).
    private let committedID = Atomic<Int64>(0)

    init(bytes: [UInt8], storedSize: Int) {
        self.bytes = bytes
        plainRatio = Double(storedSize) / Double(max(1, bytes.count))
    }

    /// Its payload id, once committed.
    var id: Int64? {
        let id = committedID.load(ordering: .acquiring)
        return id > 0 ? id : nil
    }

    func payloadCommitted(id: Int64) {
        committedID.store(id, ordering: .releasing)
    }
}
