import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// The generic ingest routes: `/api/v1/events`, `/api/v1/reports`, `/api/v1/changes`.
struct IngestRoutes: Sendable {
    let ingestor: Ingestor

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/api/v1/events") { request, _ in try await ingest(request, flavor: .events) }
        router.post("/api/v1/reports") { request, _ in try await ingest(request, flavor: .reports) }
        router.post("/api/v1/changes") { request, _ in try await ingest(request, flavor: .changes) }
    }

    func ingest(_ request: Request, flavor: GenericEventCodec.Flavor) async throws -> Response {
        let flavorSource: SignalSource = switch flavor {
        case .events: .events
        case .reports: .reports
        case .changes: .changes
        }
        let body = try await ingestor.read(request, source: flavorSource)
        let receivedAt = ingestor.clock.now()
        let contentType = request.headers.first(.contentType)
        let batch: DecodedBatch
        do {
            batch = try GenericEventCodec(flavor).decode(body, contentType: contentType)
        } catch {
            throw ingestor.invalid(error, source: flavorSource)
        }
        let source = batch.signals.first?.signal.source ?? flavorSource
        return try await ingestor.storeBatch(consume batch, body: body, contentType: contentType, source: source, receivedAt: receivedAt)
    }
}
