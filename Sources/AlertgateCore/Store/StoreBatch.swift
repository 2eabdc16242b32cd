/// One original request body, compressed by the caller, with the signals decoded from it.
public struct StoredPayload: Hashable, Sendable {
    public enum Encoding: Int, Sendable {
        /// Kept as received (compression did not help).
        case identity = 0
        /// zlib (RFC 1950) of the original bytes.
        case zlib = 1
        /// zlib streams in a row, each compressed against a window of another payload's
        /// original bytes as preset dictionary: that payload is `dictionaryID`, always stored
        /// as `identity` or `zlib`, so restoring takes at most two inflates.
        case zlibDictionary = 2
        /// The Adler-32 of the original bytes, then zlib of them XOR those of payload
        /// `dictionaryID`, which is as long as this one and stored as `identity` or `zlib`
        /// (`XORDelta`): a resend that changed bytes but moved none.
        case zlibXORDelta = 3

        /// Stored against another payload (`dictionaryID`).
        public var isDelta: Bool { self == .zlibDictionary || self == .zlibXORDelta }
    }

    /// Told the id a payload got, once the transaction holding it has committed. The payload
    /// compressor learns this way the id of a payload it keeps as a dictionary: ids exist only
    /// after the insert, and only a committed id can be referred to.
    public protocol CommitObserver: AnyObject, Sendable {
        func payloadCommitted(id: Int64)
    }

    public var source: SignalSource
    public var contentType: String
    public var encoding: Encoding
    /// The size of the original bytes.
    public var originalSize: Int
    public var bytes: [UInt8]
    public var receivedAt: Timestamp
    /// For `.zlibDictionary` and `.zlibXORDelta`: the stored payload whose original bytes are the dictionary.
    public var dictionaryID: Int64?
    /// Told this payload's id after the commit (see `CommitObserver`).
    public var commitObserver: (any CommitObserver)?

    public init(source: SignalSource, contentType: String, encoding: Encoding, originalSize: Int, bytes: [UInt8], receivedAt: Timestamp,
                dictionaryID: Int64? = nil, commitObserver: (any CommitObserver)? = nil) {
        self.source = source
        self.contentType = contentType
        self.encoding = encoding
        self.originalSize = originalSize
        self.bytes = bytes
        self.receivedAt = receivedAt
        self.dictionaryID = dictionaryID
        self.commitObserver = commitObserver
    }

    public static func == (lhs: StoredPayload, rhs: StoredPayload) -> Bool {
        lhs.source == rhs.source && lhs.contentType == rhs.contentType && lhs.encoding == rhs.encoding
            && lhs.originalSize == rhs.originalSize && lhs.bytes == rhs.bytes && lhs.receivedAt == rhs.receivedAt
            && lhs.dictionaryID == rhs.dictionaryID && lhs.commitObserver.map(ObjectIdentifier.init) == rhs.commitObserver.map(ObjectIdentifier.init)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(encoding)
        hasher.combine(originalSize)
        hasher.combine(bytes)
        hasher.combine(receivedAt)
        hasher.combine(dictionaryID)
    }
}

/// A signal as placed by the correlator, ready to be stored.
public struct PlacedSignal: Hashable, Sendable {
    public var signal: Signal
    /// Its position in the payload it came in (for batches).
    public var item: Int
    public var outcome: Outcome
    public var receivedAt: Timestamp

    public init(signal: Signal, item: Int, outcome: Outcome, receivedAt: Timestamp) {
        self.signal = signal
        self.item = item
        self.outcome = outcome
        self.receivedAt = receivedAt
    }
}

/// A payload and the signals placed from it.
public struct IngestRecord: Hashable, Sendable {
    public var payload: StoredPayload
    public var signals: [PlacedSignal]

    public init(payload: StoredPayload, signals: [PlacedSignal]) {
        self.payload = payload
        self.signals = signals
    }
}

/// Everything one transaction writes, in the order the pipeline decided it: group commit
/// puts many requests, commands and expiries in one batch.
public struct StoreBatch: Hashable, Sendable {
    public enum Entry: Hashable, Sendable {
        /// A payload and the signals decoded from it.
        case ingest(IngestRecord)
        /// An outcome that belongs to no payload: a command or an expiry.
        case outcome(Outcome)
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }
}
