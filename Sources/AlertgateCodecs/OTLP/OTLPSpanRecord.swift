/// One span as both OTLP decoders (protobuf and JSON) hand it on: only what alertgate reads,
/// already out of the wire types, so one mapper turns either encoding into the same signals.
struct OTLPSpanRecord: Sendable {
    /// The `exception` event's attributes (OpenTelemetry semantic conventions).
    struct Exception: Sendable {
        var type: String
        var message: String
        var stacktrace: String
    }

    /// The resource's `service.name`, or nil when absent or not text.
    var service: String?
    /// The raw ids; their length is checked by the mapper (16 and 8 bytes).
    var traceID: [UInt8]
    var spanID: [UInt8]
    var name: String
    /// The `SpanKind` number (0 unspecified ... 5 consumer).
    var kind: Int
    var startTimeUnixNano: UInt64
    var endTimeUnixNano: UInt64
    /// The `Status.code` number (0 unset, 1 ok, 2 error).
    var statusCode: Int
    var statusMessage: String
    /// The first event named `exception`, if any.
    var exception: Exception?
    /// The dotted path of the span in the request (`resourceSpans[0].scopeSpans[1].spans[2]`),
    /// for rejection messages.
    var path: String
    /// A problem the decoder already found (a malformed id, a wrong type): the span is
    /// rejected with this message.
    var problem: String?
}
