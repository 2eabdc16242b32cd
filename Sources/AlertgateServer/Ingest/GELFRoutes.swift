import AlertgateCodecs
import AlertgateCore
import AlertgateCompression
import Hummingbird

/// GELF over HTTP, `POST /gelf`: one message a request, plain, gzip or zlib (with or without
/// a `Content-Encoding` header: GELF clients differ). Answers 202 with no body, as Graylog does.
struct GELFRoutes: Sendable {
    let ingestor: Ingestor
    /// Messages of a higher (less severe) syslog level are counted and not stored.
    let maxLevel: Int

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/gelf") { request, _ in try await gelf(request) }
    }

    func gelf(_ request: Request) async throws -> Response {
        var body = try await ingestor.read(request, source: .gelf)
        let receivedAt = ingestor.clock.now()
        if request.headers[.contentEncoding] == nil, let format = Self.compression(of: body) {
            do {
                body = try Zlib.decompress(body, format: format, limit: ingestor.bodyReader.maxBytes)
            } catch .outputLimitExceeded {
                ingestor.metrics.rejected("too_large", source: SignalSource.gelf.rawValue)
                ingestor.metrics.limitHit("http.max_body_bytes")
                throw APIError(.contentTooLarge, code: "body_too_large", message: "the decompressed body is larger than the limit of \(ingestor.bodyReader.maxBytes) bytes (http.max_body_bytes)")
            } catch {
                throw ingestor.invalid(CodecError(code: "invalid_encoding", message: "the body looks compressed but does not decompress"), source: .gelf)
            }
        }
        let signal: Signal
        do {
            signal = try GELFCodec().decode(body)
        } catch {
            throw ingestor.invalid(error, source: .gelf)
        }
        if Int(signal.labels["level"] ?? "") ?? 0 > maxLevel {
            ingestor.metrics.droppedLog("level")
            return Response(status: .accepted)
        }
        _ = try await ingestor.store(body, contentType: request.headers.first(.contentType), source: .gelf, signals: [(0, signal)], receivedAt: receivedAt)
        return Response(status: .accepted)
    }

    /// gzip or zlib by GELF's own detection rules (`GELFDatagram.kind`).
    static func compression(of body: [UInt8]) -> Zlib.Format? {
        switch GELFDatagram.kind(of: body) {
        case .gzip: .gzip
        case .zlib: .zlib
        case .chunk, .plain: nil
        }
    }
}
