import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// Tools that send bodies of their own shape: `POST /api/v1/ingest/{tool}`. Checkly's body is
/// what alertgate's shipped template renders (`deploy/checkly/webhook.json`, `ChecklyCodec`);
/// the catalog in force says which of its tags name services. Support desks' reports:
/// `/api/v1/ingest/zendesk` (`deploy/zendesk/webhook.json`), `intercom`, `freshdesk`
/// (`SupportDeskCodec`).
struct ToolRoutes: Sendable {
    let ingestor: Ingestor

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/api/v1/ingest/checkly") { request, _ in try await checkly(request) }
        for tool in SupportDeskCodec.Tool.allCases {
            router.post("/api/v1/ingest/\(tool.rawValue)") { request, _ in try await supportDesk(request, tool) }
        }
    }

    /// A support desk's report (`SupportDeskCodec`); a body that asks for nothing (Intercom's
    /// `ping`) is answered 202 with nothing stored.
    func supportDesk(_ request: Request, _ tool: SupportDeskCodec.Tool) async throws -> Response {
        let body = try await ingestor.read(request, source: tool.source)
        let receivedAt = ingestor.clock.now()
        let signal: Signal?
        do {
            signal = try SupportDeskCodec(tool).decode(body)
        } catch {
            throw ingestor.invalid(error, source: tool.source)
        }
        guard let signal else { return JSONOutput.response(IngestResponse(items: [], outcomes: [], errors: []), status: .accepted) }
        return try await ingestor.storeBatch(DecodedBatch(signals: [(0, signal)]), body: body, contentType: request.headers.first(.contentType),
                                             source: tool.source, receivedAt: receivedAt)
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
