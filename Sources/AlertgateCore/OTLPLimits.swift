/// What one OTLP request may hold, so that decoding it costs a bounded amount of memory:
/// every count is checked on the wire before anything is decoded (`OTLPWireScanner`), or as
/// the JSON is read. The defaults follow the OpenTelemetry SDKs' own span limits (128
/// attributes, 128 events, 128 links per span) with room above their export batches (512
/// spans).
public struct OTLPLimits: Hashable, Sendable {
    /// Spans in one request (`otlp.max_spans`).
    public var maxSpans = 10_000
    /// Attributes of one span, event, link, resource or scope (`otlp.max_attributes_per_span`).
    public var maxAttributesPerSpan = 128
    /// Events, and links, of one span (`otlp.max_events_per_span`).
    public var maxEventsPerSpan = 128
    /// Attributes and attribute values (array and map entries, at any depth) in one request
    /// (`otlp.max_attributes`).
    public var maxAttributes = 200_000
    /// Nesting of `AnyValue` arrays and maps.
    public static let maxValueDepth = 16

    public init() {}
}
