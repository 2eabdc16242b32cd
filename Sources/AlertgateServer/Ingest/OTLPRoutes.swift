import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// `POST /v1/traces`: OTLP/HTTP trace export, answered as an OpenTelemetry collector does, so
/// any OpenTelemetry SDK or collector can point its OTLP/HTTP exporter at alertgate.
///
/// - 200 with an `ExportTraceServiceResponse` in the request's encoding, with
///   `partial_success` when spans were rejected. Only the spans that became signals (errors,
///   slow spans) are submitted; a request with none stores nothing.
/// - 400 (do not retry) for a body that does not decode, 413 over `otlp.max_body_bytes`
///   (decompressed too), 415 for other content types or encodings, 503 with Retry-After
///   when the pipeline is full or shutting down (the exporter retries).
/// - Errors to protobuf requests are a `google.rpc.Status` protobuf, as the OTLP spec asks;
///   to JSON requests, alertgate's usual JSON error body.
struct OTLPRoutes: Sendable {
    let ingestor: Ingestor
    let clock: any WallClock
    let metrics: GatewayMetrics
    let spanCounters: SpanCounters
    let codec: OTLPTraceCodec

    init(ingestor base: Ingestor, config: GatewayConfig, spanCounters: SpanCounters = SpanCounters()) {
        // OTLP bodies have a limit of their own.
        ingestor = Ingestor(pipeline: base.pipeline, bodyReader: RequestBodyReader(maxBytes: config.otlp.maxBodyBytes, maxCompressionRatio: config.http.maxCompressionRatio, limitKey: "otlp.max_body_bytes"),
                            clock: base.clock, metrics: base.metrics)
        clock = base.clock
        metrics = base.metrics
        self.spanCounters = spanCounters
        codec = OTLPTraceCodec(slowSpanThresholds: config.otlp.slowSpanThresholds, limits: config.otlp.limits)
    }

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/v1/traces") { request, _ in try await export(request) }
    }

    func export(_ request: Request) async throws -> Response {
        let contentType = request.headers.first(.contentType)
        guard let encoding = OTLPEncoding(contentType: contentType) else {
            metrics.rejected("unsupported_content_type", source: SignalSource.otlp.rawValue)
            throw APIError(
                .unsupportedMediaType, code: "unsupported_content_type",
                message: "OTLP/HTTP takes Content-Type application/x-protobuf or application/json, got \(contentType.map { "\"\($0.prefix(128))\"" } ?? "none")",
                field: "Content-Type")
        }
        do {
            let body = try await ingestor.read(request, source: .otlp)
            let batch: OTLPTraceBatch
            do {
                batch = try codec.decode(body: body, contentType: contentType)
            } catch {
                throw ingestor.invalid(error, source: .otlp)
            }
            if batch.rejectedSpans > 0 { metrics.rejected("invalid_span", source: SignalSource.otlp.rawValue, count: Int64(batch.rejectedSpans)) }
            if !batch.signals.isEmpty {
                _ = try await ingestor.store(body, contentType: contentType, source: .otlp, signals: batch.signals, receivedAt: clock.now())
            }
            spanCounters.record(spansByService: batch.spansByService, rejected: batch.rejectedSpans)
            let answer = OTLPExportResponse.success(rejectedSpans: batch.rejectedSpans, errorMessage: batch.rejectionMessage, encoding: encoding)
            return Response(status: .ok, headers: [.contentType: encoding.contentType], body: .init(byteBuffer: ByteBuffer(bytes: answer)))
        } catch let error as APIError where encoding == .protobuf {
            return Self.rpcStatusResponse(error)
        }
    }

    /// An error as a `google.rpc.Status` protobuf with the same HTTP status and Retry-After.
    static func rpcStatusResponse(_ error: APIError) -> Response {
        var headers: HTTPFields = [.contentType: OTLPEncoding.protobuf.contentType]
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        let message = error.field.map { "\(error.message) (field \($0))" } ?? error.message
        let body = OTLPExportResponse.rpcStatus(code: grpcCode(for: error.status), message: message)
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The gRPC status code closest to an HTTP status (google.rpc.Code numbers).
    static func grpcCode(for status: HTTPResponse.Status) -> Int32 {
        switch status.code {
        case 400, 415: 3  // INVALID_ARGUMENT
        case 413, 429: 8  // RESOURCE_EXHAUSTED
        case 503: 14  // UNAVAILABLE
        default: 13  // INTERNAL
        }
    }
}
