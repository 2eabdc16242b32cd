import AlertgateCore

/// OTLP/HTTP traces (`POST /v1/traces`), protobuf or JSON, into trace signals.
///
/// Pure: bytes in, values out. A span with status ERROR becomes a firing trace signal whose
/// fingerprint is service + span name + exception type (the first `exception` event), so
/// every occurrence of one failure is one alert whatever its trace id. For services listed
/// in `slowSpanThresholds`, other spans longer than the threshold become warnings whose
/// exception type is `slow`. Spans that break the spec are rejected and counted, not fatal;
/// a body that does not parse at all throws. Items are span positions in request order,
/// every span counted, so decoding stored bytes again gives the same items (with the same
/// thresholds).
public struct OTLPTraceCodec: Sendable {
    public let slowSpanThresholds: [String: Duration]
    /// What one request may hold; a body past a limit is refused whole.
    public let limits: OTLPLimits

    public init(slowSpanThresholds: [String: Duration] = [:], limits: OTLPLimits = OTLPLimits()) {
        self.slowSpanThresholds = slowSpanThresholds
        self.limits = limits
    }

    /// Decodes one request body (already decompressed) of the given `Content-Type`.
    public func decode(body: [UInt8], contentType: String?) throws(CodecError) -> OTLPTraceBatch {
        guard let encoding = OTLPEncoding(contentType: contentType) else {
            throw CodecError(
                code: "unsupported_content_type",
                message: "OTLP/HTTP takes application/x-protobuf or application/json, got \(contentType.map { "\"\($0.prefix(128))\"" } ?? "none")",
                field: "Content-Type")
        }
        let records: [OTLPSpanRecord]
        switch encoding {
        case .protobuf: records = try OTLPProtobufReader.records(body, limits: limits)
        case .json: records = try OTLPJSONReader.records(body, maxSpans: limits.maxSpans)
        }
        return OTLPSignalMapper(slowSpanThresholds: slowSpanThresholds, encoding: encoding).batch(from: records)
    }

    /// The same decoding in the shape every codec shares, for re-decoding stored payloads:
    /// one error per rejected span, at its item.
    public func decodedBatch(body: [UInt8], contentType: String?) throws(CodecError) -> DecodedBatch {
        try decode(body: body, contentType: contentType).decodedBatch
    }
}
