import AlertgateCore

/// What one OTLP/HTTP trace export holds for alertgate: the signals of its error (and slow)
/// spans, and what was wrong with the spans it had to reject.
public struct OTLPTraceBatch: Sendable {
    /// Signals with the position of their span in the request (every span counted, in
    /// request order), so decoding the same stored bytes again gives the same items.
    public var signals: [(item: Int, signal: Signal)]
    /// Spans that break the spec (ids of the wrong length...): reported back to the sender
    /// as `partial_success.rejected_spans`.
    public var rejectedSpans: Int
    /// The first rejection, with the count, for `partial_success.error_message`.
    public var rejectionMessage: String?
    /// Every span of the request, good or not, by its resource's `service.name`.
    public var spansByService: [String: Int]
    /// One error per rejected span, its `index` the span's item.
    public var rejections: [CodecError]

    public init(
        signals: [(item: Int, signal: Signal)] = [], rejectedSpans: Int = 0, rejectionMessage: String? = nil,
        spansByService: [String: Int] = [:], rejections: [CodecError] = []
    ) {
        self.signals = signals
        self.rejectedSpans = rejectedSpans
        self.rejectionMessage = rejectionMessage
        self.spansByService = spansByService
        self.rejections = rejections
    }

    /// Every span in the request.
    public var spanCount: Int { spansByService.values.reduce(0, +) }

    /// The batch in the shape every codec shares: signals plus one error per rejected span.
    public var decodedBatch: DecodedBatch {
        DecodedBatch(signals: signals, errors: rejections)
    }
}
