import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// Tools that send bodies of their own shape: `POST /api/v1/ingest/{tool}`. Checkly's body is
/// what alertgate's shipped template renders (`deploy/checkly/webhook.json`, `ChecklyCodec`);
/// the catalog in force says which of its tags name services.
struct ToolRoutes: Sendable {
    let ingestor: Ingestor

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/api/v1/ingest/checkly") { request, _ in try await checkly(request) }
    }

    func checkly(_ request: Request) async throws -> Response {
        let body = try await ingestor.read(request, source: .checkly)
        let receivedAt = ingestor.clock.now()
        let signal: Signal
        do {
            signal = try ChecklyCodec(catalog: ingestor.pipeline.policy.current.policy.catalog).decode(body)
        } catch {
            throw ingestor.invalid(error, source: .checkly)
        }
        return try await ingestor.storeBatch(DecodedBatch(signals: [(0, signal)]), body: body, contentType: request.headers.first(.contentType),
                                             source: .checkly, receivedAt: receivedAt)
    }
}
