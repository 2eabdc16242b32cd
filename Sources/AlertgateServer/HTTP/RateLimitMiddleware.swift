import AlertgateCore
import Hummingbird
import Synchronization

/// Per-token and per-address rate limits (`http.rate_limit_per_token`,
/// `http.rate_limit_per_address`): a request over either gets 429 with `Retry-After`, named and
/// counted (`alertgate_rejected_total{cause="rate_limited"}`). `/healthz` and `/readyz` are not limited.
final class RateLimitMiddleware: RouterMiddleware, Sendable {
    typealias Context = GatewayRequestContext
    // Never an optional Mutex: a Mutex must stay where it was made.
    private let perToken: Mutex<RateLimiter?>
    private let perAddress: Mutex<RateLimiter?>
    private let limited: Bool
    private let clock: any WallClock
    private let metrics: GatewayMetrics

    init(perToken: GatewayConfig.RateLimit?, perAddress: GatewayConfig.RateLimit?, clock: any WallClock, metrics: GatewayMetrics) {
        self.perToken = Mutex(perToken.map { RateLimiter(rate: $0.rate, burst: $0.burst) })
        self.perAddress = Mutex(perAddress.map { RateLimiter(rate: $0.rate, burst: $0.burst) })
        limited = perToken != nil || perAddress != nil
        self.clock = clock
        self.metrics = metrics
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard limited, RouteScope.need(method: request.method, path: request.uri.path) != .none else {
            return try await next(request, context)
        }
        let now = clock.now()
        if let name = context.identity?.name, let wait = perToken.withLock({ $0?.admit(name, at: now) }) {
            throw refusal("the token \(name) sent more than http.rate_limit_per_token allows", wait)
        }
        if let address = context.remoteAddress?.ipAddress, let wait = perAddress.withLock({ $0?.admit(address, at: now) }) {
            throw refusal("\(address) sent more than http.rate_limit_per_address allows", wait)
        }
        return try await next(request, context)
    }

    private func refusal(_ message: String, _ wait: Duration) -> APIError {
        metrics.rejected("rate_limited")
        var error = APIError(.tooManyRequests, code: "rate_limited", message: message)
        error.retryAfterSeconds = max(1, Int((Double(wait.wholeMilliseconds) / 1000).rounded(.up)))
        return error
    }
}
