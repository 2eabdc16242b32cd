import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// What Prometheus and Alertmanager send: `POST /api/v2/alerts` (Prometheus's Alertmanager
/// API) and the Alertmanager and Grafana webhooks.
struct AlertmanagerRoutes: Sendable {
    let ingestor: Ingestor

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/api/v2/alerts") { request, _ in try await alerts(request) }
        router.post("/api/v1/ingest/alertmanager") { request, _ in try await webhook(request, .alertmanager) }
        router.post("/api/v1/ingest/grafana") { request, _ in try await webhook(request, .grafana) }
    }

    /// Answers as Alertmanager does: 200 with an empty body; 400 when an alert is invalid,
    /// after storing the valid ones.
    func alerts(_ request: Request) async throws -> Response {
        let body = try await ingestor.read(request, source: .alertmanagerAPI)
        let receivedAt = ingestor.clock.now()
        var batch: DecodedBatch
        do {
            batch = try AlertmanagerAPICodec().decode(body, receivedAt: receivedAt)
        } catch {
            throw ingestor.invalid(error, source: .alertmanagerAPI)
        }
        let signals = batch.takeSignals()
        let valid = signals.count
        if valid > 0 {
            _ = try await ingestor.store(body, contentType: request.headers.first(.contentType), source: .alertmanagerAPI,
                                         signals: consume signals, receivedAt: receivedAt)
        }
        if let first = batch.errors.first {
            ingestor.countInvalidItems(batch.errors, source: .alertmanagerAPI)
            var error = APIError.badRequest(first)
            error.message = valid == 0
                ? "no alert was stored: \(first.description)"
                : "\(batch.errors.count) of \(batch.errors.count + valid) alerts are invalid and were not stored; the others were: \(first.description)"
            error.items = batch.errors
            throw error
        }
        return Response(status: .ok)
    }

    func webhook(_ request: Request, _ sender: AlertmanagerWebhookCodec.Sender) async throws -> Response {
        let source: SignalSource = sender == .alertmanager ? .alertmanagerWebhook : .grafana
        let body = try await ingestor.read(request, source: source)
        let receivedAt = ingestor.clock.now()
        let batch: DecodedBatch
        do {
            batch = try AlertmanagerWebhookCodec(sender).decode(body, receivedAt: receivedAt)
        } catch {
            throw ingestor.invalid(error, source: source)
        }
        return try await ingestor.storeBatch(consume batch, body: body, contentType: request.headers.first(.contentType), source: source,
                                             receivedAt: receivedAt)
    }
}
