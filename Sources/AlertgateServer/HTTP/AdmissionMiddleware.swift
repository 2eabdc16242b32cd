import Hummingbird
import Synchronization

/// Bounds what all requests together may hold: at most `maxRequests` in progress, and at
/// most `maxBodyBytes` of request bodies (as announced by `Content-Length`, times the
/// compression ratio allowed when `Content-Encoding` is set) being read and decoded at once.
/// A request past either bound is answered 503 with Retry-After at once, before its body is
/// read, so a flood costs little and what was let in keeps its memory.
///
/// One connection carries one request at a time (HTTP/1.1 pipelining is read one request
/// after another), so the total bound is also the bound per connection.
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let admission: RequestAdmission
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let bytes = admission.reservation(path: request.uri.path, contentLength: request.headers[.contentLength].flatMap(Int.init),
                                          encoded: request.headers[.contentEncoding].map { !["", "identity"].contains($0.lowercased()) } ?? false,
                                          hasBody: request.headers[.contentLength] != nil || request.headers[.transferEncoding] != nil)
        if let refusal = admission.admit(bytes: bytes) {
            metrics.rejected("busy")
            metrics.limitHit(refusal)
            var error = APIError(.serviceUnavailable, code: "busy",
                                 message: "alertgate is at its limit of \(refusal == "http.max_concurrent_requests" ? "requests in progress" : "request bytes in memory") (\(refusal)); retry in a second")
            error.retryAfterSeconds = 1
            error.limit = refusal
            if bytes > 0 { context.closeAfterAnswer() }
            throw error
        }
        defer { admission.release(bytes: bytes) }
        return try await next(request, context)
    }
}

/// The counts `AdmissionMiddleware` holds requests to.
final class RequestAdmission: Sendable {
    let maxRequests: Int
    let maxBodyBytes: Int
    /// The largest body a route takes (decompressed): `http.max_body_bytes`, and
    /// `otlp.max_body_bytes` for OTLP.
    let httpBodyLimit: Int
    let otlpBodyLimit: Int
    let maxCompressionRatio: Int
    private let state = Mutex((requests: 0, bytes: 0))

    init(maxRequests: Int, maxBodyBytes: Int, httpBodyLimit: Int, otlpBodyLimit: Int, maxCompressionRatio: Int) {
        self.maxRequests = maxRequests
        self.maxBodyBytes = maxBodyBytes
        self.httpBodyLimit = httpBodyLimit
        self.otlpBodyLimit = otlpBodyLimit
        self.maxCompressionRatio = maxCompressionRatio
    }

    /// The bytes a request may come to hold: its body, and what that body may inflate to,
    /// each within the limit of the route at `path`.
    func reservation(path: String, contentLength: Int?, encoded: Bool, hasBody: Bool) -> Int {
        guard hasBody else { return 0 }
        let largestBody = path == "/v1/traces" ? otlpBodyLimit : httpBodyLimit
        guard let length = contentLength else { return encoded ? 2 * largestBody : largestBody }
        let raw = min(length, largestBody)
        guard encoded else { return raw }
        let (inflated, overflow) = raw.multipliedReportingOverflow(by: maxCompressionRatio)
        return raw + (overflow ? largestBody : min(inflated, largestBody))
    }

    /// Takes a place for a request of `bytes`; the config key of the bound it passes, if any.
    func admit(bytes: Int) -> String? {
        state.withLock { state in
            guard state.requests < maxRequests else { return "http.max_concurrent_requests" }
            // A single request larger than the whole budget is still let in when nothing else
            // holds bytes, so every body within its route's limit can be served.
            guard bytes == 0 || state.bytes == 0 || state.bytes + bytes <= maxBodyBytes else { return "http.max_inflight_body_bytes" }
            state.requests += 1
            state.bytes += bytes
            return nil
        }
    }

    func release(bytes: Int) {
        state.withLock { state in
            state.requests -= 1
            state.bytes -= bytes
        }
    }
}
