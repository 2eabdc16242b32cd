import AlertgateCore

/// The result of decoding one body: the good items with their positions, and the bad ones.
public struct DecodedBatch: Sendable {
    public var signals: [(item: Int, signal: Signal)]
    public var errors: [CodecError]

    public init(signals: [(item: Int, signal: Signal)] = [], errors: [CodecError] = []) {
        self.signals = signals
        self.errors = errors
    }

    /// The number of items the body held.
    public var itemCount: Int { signals.count + errors.count }

    /// Takes the good items out, leaving none: the caller then holds the only reference to their
    /// array, so the pipeline prepares the signals in place instead of copying each
    /// (`IngestPipeline.request`).
    public mutating func takeSignals() -> [(item: Int, signal: Signal)] {
        var taken: [(item: Int, signal: Signal)] = []
        swap(&taken, &signals)
        return taken
    }
}
