import AlertgateCodecs
import AlertgateCore
import AlertgateStorage
import Hummingbird

/// The generic ingest routes: `/api/v1/events`, `/api/v1/reports`, `/api/v1/changes`.
struct IngestRoutes: Sendable {
    let pipeline: IngestPipeline
    let bodyReader: RequestBodyReader
    let clock: any WallClock
    let metrics: GatewayMetrics

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/v1/events") { request, _ in try await ingest(request, flavor: .events) }
        router.post("/api/v1/reports") { request, _ in try await ingest(request, flavor: .reports) }
        router.post("/api/v1/changes") { request, _ in try await ingest(request, flavor: .changes) }
    }

    func ingest(_ request: Request, flavor: GenericEventCodec.Flavor) async throws -> Response {
        let body = try await read(request)
        let contentType = request.headers[.contentType]
        let batch: DecodedBatch
        do {
            batch = try GenericEventCodec(flavor).decode(body, contentType: contentType)
        } catch {
            metrics.rejected("invalid_body")
            throw APIError.badRequest(error)
        }
        if !batch.errors.isEmpty { metrics.rejected("invalid_item", count: Int64(batch.errors.count)) }
        guard !batch.signals.isEmpty else {
            var error = APIError.badRequest(batch.errors.first ?? CodecError(code: "empty_body", message: "the body holds no events"))
            error.items = batch.errors
            throw error
        }
        let source = batch.signals[0].signal.source
        let payload = StoredPayload.compressing(body, source: source, contentType: contentType ?? "", receivedAt: clock.now())
        let outcomes = try await submit(IngestRequest(payload: payload, signals: batch.signals))
        return JSONOutput.response(IngestResponse(items: batch.signals.map(\.item), outcomes: outcomes, errors: batch.errors), status: .accepted)
    }

    func read(_ request: Request) async throws -> [UInt8] {
        do {
            return try await bodyReader.read(request)
        } catch let error as APIError {
            metrics.rejected(error.status == .contentTooLarge ? "too_large" : "invalid_encoding")
            throw error
        }
    }

    func submit(_ request: IngestRequest) async throws -> [Outcome] {
        do {
            return try await pipeline.submit(request)
        } catch {
            throw APIError.from(error)
        }
    }
}
