import AlertgateCodecs
import AlertgateCore
import Foundation
import Hummingbird

/// PagerDuty's Events API v2: `POST /v2/enqueue` and `POST /v2/change/enqueue`, answered as
/// PagerDuty answers, so its client libraries work unchanged.
struct PagerDutyRoutes: Sendable {
    let ingestor: Ingestor
    let integrations: [String: GatewayConfig.PagerDuty.Integration]

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/v2/enqueue") { request, context in try await enqueue(request, context) }
        router.post("/v2/change/enqueue") { request, context in try await change(request, context) }
    }

    /// A routing key that is an alertgate token is not kept as a label, where every reader
    /// would see it: the label names the token instead. (The raw body keeps it, byte for byte:
    /// give PagerDuty senders a token with the ingest scope only.)
    static func hideToken(in signal: inout Signal, _ context: GatewayRequestContext) {
        guard let identity = context.identity, !identity.sha256.isEmpty, let key = signal.labels["routing_key"],
              TokenCheck.constantTimeEqual(Array(TokenCheck.sha256(key).utf8), Array(identity.sha256.utf8)) else { return }
        signal.labels["routing_key"] = "token:\(identity.name)"
    }

    func enqueue(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let body = try await ingestor.read(request, source: .pagerduty)
        let receivedAt = ingestor.clock.now()
        let event: PagerDutyEventCodec.Event
        do {
            event = try PagerDutyEventCodec(integrations: integrations).decode(body) {
                UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            }
        } catch {
            ingestor.metrics.rejected("invalid_body", source: SignalSource.pagerduty.rawValue)
            throw PagerDutyError(error)
        }
        var signal = event.signal
        Self.hideToken(in: &signal, context)
        _ = try await ingestor.store(body, contentType: request.headers.first(.contentType), source: .pagerduty, signals: [(0, signal)], receivedAt: receivedAt)
        return JSONOutput.response(["status": "success", "message": "Event processed", "dedup_key": event.dedupKey], status: .accepted)
    }

    func change(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let body = try await ingestor.read(request, source: .pagerduty)
        let receivedAt = ingestor.clock.now()
        var signal: Signal
        do {
            signal = try PagerDutyChangeCodec(integrations: integrations).decode(body)
        } catch {
            ingestor.metrics.rejected("invalid_body", source: SignalSource.pagerduty.rawValue)
            throw PagerDutyError(error)
        }
        Self.hideToken(in: &signal, context)
        _ = try await ingestor.store(body, contentType: request.headers.first(.contentType), source: .pagerduty, signals: [(0, signal)], receivedAt: receivedAt)
        return JSONOutput.response(["status": "success", "message": "Change event processed"], status: .accepted)
    }
}

/// PagerDuty's error answer (`{"status": "invalid event", "message", "errors"}`) with
/// alertgate's `error` object beside it.
struct PagerDutyError: HTTPResponseError {
    let codec: CodecError

    init(_ codec: CodecError) {
        self.codec = codec
    }

    var status: HTTPResponse.Status { .badRequest }

    struct Body: Encodable {
        var status = "invalid event"
        var message = "Event object is invalid"
        var errors: [String]
        var error: APIError.ErrorBody.Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let detail = APIError.ErrorBody.Detail(code: codec.code, message: codec.message, field: codec.field)
        return JSONOutput.response(Body(errors: [codec.description], error: detail), status: .badRequest)
    }
}
