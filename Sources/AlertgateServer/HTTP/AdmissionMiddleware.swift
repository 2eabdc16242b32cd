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
        let contentLength = request.headers.first(.contentLength)
        let reservation = admission.reservation(path: request.uri.path, contentLength: contentLength.flatMap(Int.init),
                                          encoded: request.headers[.contentEncoding].map { !["", "identity"].contains($0.lowercased()) } ?? false,
                                          hasBody: contentLength != nil || request.headers.first(.transferEncoding) != nil)
        if let refusal = admission.admit(reservation) {
            metrics.rejected("busy")
            metrics.limitHit(refusal)
            var error = APIError(.serviceUnavailable, code: "busy",
                                 message: "alertgate is at its limit of \(refusal == "http.max_concurrent_requests" ? "requests in progress" : "request bytes in memory") (\(refusal)); retry in a second")
            error.retryAfterSeconds = 1
            error.limit = refusal
            if reservation.bytes > 0 { context.closeAfterAnswer() }
            throw error
        }
        defer { admission.release(reservation) }
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
    /// Requests in progress; body bytes held, OTLP's apart: one OTLP body may be larger than
    /// the whole budget of the others (`otlp.max_body_bytes`, 8 MiB), and it must not starve them.
    private let state = Mutex((requests: 0, bytes: 0, otlpBytes: 0))

    init(maxRequests: Int, maxBodyBytes: Int, httpBodyLimit: Int, otlpBodyLimit: Int, maxCompressionRatio: Int) {
        self.maxRequests = maxRequests
        self.maxBodyBytes = maxBodyBytes
        self.httpBodyLimit = httpBodyLimit
        self.otlpBodyLimit = otlpBodyLimit
        self.maxCompressionRatio = maxCompressionRatio
    }

    /// What a request may come to hold: its body, and what that body may inflate to, each
    /// within the limit of the route at `path`; OTLP's counted apart.
    struct Reservation {
        var bytes = 0
        var otlp = false
    }

    func reservation(path: String, contentLength: Int?, encoded: Bool, hasBody: Bool) -> Reservation {
        guard hasBody else { return Reservation() }
        let otlp = path == "/v1/traces"
        let largestBody = otlp ? otlpBodyLimit : httpBodyLimit
        guard let length = contentLength else { return Reservation(bytes: encoded ? 2 * largestBody : largestBody, otlp: otlp) }
        let raw = min(length, largestBody)
        guard encoded else { return Reservation(bytes: raw, otlp: otlp) }
        let (inflated, overflow) = raw.multipliedReportingOverflow(by: maxCompressionRatio)
        return Reservation(bytes: raw + (overflow ? largestBody : min(inflated, largestBody)), otlp: otlp)
    }

    /// Takes a place for a request; the config key of the bound it passes, if any.
    func admit(_ reservation: Reservation) -> String? {
        state.withLock { state in
            guard state.requests < maxRequests else { return "http.max_concurrent_requests" }
            // A single body larger than the budget is still let in when nothing else holds
            // bytes, so every body within its route's limit can be served. OTLP's budget is its
            // body limit.
            let (held, budget) = reservation.otlp ? (state.otlpBytes, otlpBodyLimit) : (state.bytes, maxBodyBytes)
            guard reservation.bytes == 0 || held == 0 || held + reservation.bytes <= budget else { return "http.max_inflight_body_bytes" }
            state.requests += 1
            if reservation.otlp { state.otlpBytes += reservation.bytes } else { state.bytes += reservation.bytes }
            return nil
        }
    }

    /// Requests in progress and the body bytes they hold (OTLP's apart): what tests wait on.
    var held: (requests: Int, bytes: Int, otlpBytes: Int) {
        state.withLock { ($0.requests, $0.bytes, $0.otlpBytes) }
    }

    func release(_ reservation: Reservation) {
        state.withLock { state in
            state.requests -= 1
            if reservation.otlp { state.otlpBytes -= reservation.bytes } else { state.bytes -= reservation.bytes }
        }
    }
}
