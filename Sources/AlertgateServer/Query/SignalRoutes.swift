import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// `GET /api/v1/signals/{id}` and its original bytes at `/raw`.
struct SignalRoutes: Sendable {
    let store: any StoreReader
    let config: GatewayConfig

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/signals/:id") { _, context in try await signal(try signalID(context)) }
        router.get("/api/v1/signals/:id/raw") { _, context in try await raw(try signalID(context)) }
    }

    func signalID(_ context: GatewayRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError.invalidParameter("id", "must be an integer signal id")
        }
        return id
    }

    func signal(_ id: Int64) async throws -> Response {
        guard let stored = try await store.signal(id: id) else { throw APIError.notFound("signal \(id)") }
        var view = SignalView(stored: stored)
        if let payload = try await store.payload(id: stored.payloadID) {
            view.normalized = (try? PayloadDecoder.decode(payload, config: config))?.signals.first(where: { $0.item == stored.item })?.signal
            // A key generated at receipt (a PagerDuty trigger without one) is in the stored
            // fingerprint, not in the bytes.
            let prefix = "\(stored.source.rawValue):"
            if view.normalized?.dedupKey?.isEmpty != false, stored.fingerprint.hasPrefix(prefix) {
                view.normalized?.dedupKey = String(stored.fingerprint.dropFirst(prefix.count))
            }
        }
        return JSONOutput.response(view)
    }

    func raw(_ id: Int64) async throws -> Response {
        guard let stored = try await store.signal(id: id) else { throw APIError.notFound("signal \(id)") }
        guard let payload = try await store.payload(id: stored.payloadID) else {
            // Only retention deletes payloads, and it keeps the signals: the bytes are gone for good.
            let age = config.retention.payloads.map(DurationText.format) ?? "off"
            throw APIError(.gone, code: "payload_pruned", message: """
                the raw payload of signal \(id) (received \(stored.receivedAt.rfc3339)) was deleted by retention \
                (retention.payloads: \(age)); the signal itself is kept at /api/v1/signals/\(id)
                """)
        }
        // A batch of datagrams: the signal's own datagram, alone.
        return try RawPayloadResponse.response(payload, item: .stored(stored.item))
    }
}
