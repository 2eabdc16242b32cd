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
        router.post("/api/v1/ingest/checkly") { request, _ in
            try await ingestOne(request, source: .checkly) { body throws(CodecError) in
                try ChecklyCodec(catalog: ingestor.pipeline.policy.current.policy.catalog).decode(body)
            }
        }
        for tool in SupportDeskCodec.Tool.allCases {
            router.post("/api/v1/ingest/\(tool.rawValue)") { request, _ in
                try await ingestOne(request, source: tool.source) { body throws(CodecError) in try SupportDeskCodec(tool).decode(body) }
            }
        }
    }

    /// Reads the body, decodes its one signal and stores it with the body, answering as
    /// `/api/v1/events`; a body that asks for nothing (Intercom's `ping`, `decode` gives nil) is
    /// answered 202 with nothing stored.
    func ingestOne(_ request: Request, source: SignalSource, _ decode: ([UInt8]) throws(CodecError) -> Signal?) async throws -> Response {
        let body = try await ingestor.read(request, source: source)
        let receivedAt = ingestor.clock.now()
        let signal: Signal?
        do {
            signal = try decode(body)
        } catch {
            throw ingestor.invalid(error, source: source)
        }
        guard let signal else { return JSONOutput.response(IngestResponse(items: [], outcomes: [], errors: []), status: .accepted) }
        return try await ingestor.storeBatch(DecodedBatch(signals: [(0, signal)]), body: body, contentType: request.headers.first(.contentType),
                                             source: source, receivedAt: receivedAt)
    }
}
