/// One original request body, compressed by the caller, with the signals decoded from it.
public struct StoredPayload: Hashable, Sendable {
    public enum Encoding: Int, Sendable {
        /// Kept as received (compression did not help).
        case identity = 0
        /// zlib (RFC 1950) of the original bytes.
        case zlib = 1
    }

    public var source: SignalSource
    public var contentType: String
    public var encoding: Encoding
    /// The size of the original bytes.
    public var originalSize: Int
    public var bytes: [UInt8]
    public var receivedAt: Timestamp

    public init(source: SignalSource, contentType: String, encoding: Encoding, originalSize: Int, bytes: [UInt8], receivedAt: Timestamp) {
        self.source = source
        self.contentType = contentType
        self.encoding = encoding
        self.originalSize = originalSize
        self.bytes = bytes
        self.receivedAt = receivedAt
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
