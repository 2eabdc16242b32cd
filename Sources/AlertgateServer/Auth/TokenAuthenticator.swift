import AlertgateCore
import Hummingbird
import HummingbirdAuth

/// Finds the token a request presents, as the clients that send to alertgate can present it:
/// `Authorization: Bearer` (Prometheus's and Alertmanager's `authorization`, OTLP exporters'
/// headers), `Authorization: Basic` with the token as password (`basic_auth`), or `?token=`
/// for clients that set no headers. PagerDuty's `routing_key` is read by `ScopeMiddleware`.
struct TokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = GatewayRequestContext
    let book: PolicyBook

    func authenticate(request: Request, context: Context) async throws -> AuthToken? {
        let tokens = book.current.policy.tokens
        guard !tokens.isEmpty, let presented = Self.presented(request) else { return nil }
        return TokenCheck.identify(presented, among: tokens)
    }

    static func presented(_ request: Request) -> String? {
        if let bearer = request.headers.bearer { return bearer.token }
        if let basic = request.headers.basic { return basic.password }
        return request.uri.queryParameters.get("token")
    }
}

/// Lets a request through when its route needs no token, or its token has the route's scope
/// (`RouteScope`); else 401 (no token, or one that is not configured) or 403 (a token without
/// the scope). With no tokens configured, everything is let through.
struct ScopeMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let book: PolicyBook
    let metrics: GatewayMetrics
    let maxBodyBytes: Int
    /// `pagerduty.integrations`: their routing keys authenticate as ingest, as PagerDuty's own do.
    let integrations: [String: GatewayConfig.PagerDuty.Integration]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let tokens = book.current.policy.tokens
        guard !tokens.isEmpty else { return try await next(request, context) }
        let need = RouteScope.need(method: request.method, path: request.uri.path)
        let scope: AuthScope
        switch need {
        case .none: return try await next(request, context)
        case .metrics:
            if context.identity == nil, context.isLoopback { return try await next(request, context) }
            scope = .read
        case .scope(let needed): scope = needed
        }
        var request = request
        var context = context
        var routingKey: String?
        if context.identity == nil, request.uri.path == "/v2/enqueue" || request.uri.path == "/v2/change/enqueue" {
            // PagerDuty's clients authenticate with the body's routing_key: a token, or the key of
            // a configured integration. Read it, keep the body.
            let body = try await request.body.collect(upTo: maxBodyBytes)
            request.body = .init(buffer: body)
            routingKey = PagerDutyRoutingKey.find(in: body)
            if let key = routingKey { context.identity = TokenCheck.identify(key, among: tokens) ?? integration(key) }
        }
        guard let identity = context.identity else {
            let presented = TokenAuthenticator.presented(request) != nil || routingKey != nil
            metrics.authFailed(presented ? .invalidToken : .noToken)
            var error = APIError(.unauthorized, code: presented ? "invalid_token" : "unauthenticated",
                                 message: presented ? "the token is not one this alertgate knows"
                                     : "this needs a token with the \(scope.rawValue) scope: Authorization: Bearer <token>")
            error.challenge = #"Bearer realm="alertgate""#
            throw error
        }
        guard identity.allows(scope) else {
            metrics.authFailed(.insufficientScope)
            throw APIError(.forbidden, code: "insufficient_scope",
                           message: "the token \(identity.name) has no \(scope.rawValue) scope, which this needs")
        }
        return try await next(request, context)
    }

    /// A configured integration's routing key, as an ingest-only identity named after it.
    private func integration(_ key: String) -> AuthToken? {
        for (known, integration) in integrations where TokenCheck.constantTimeEqual(Array(known.utf8), Array(key.utf8)) {
            return AuthToken(name: "pagerduty-integration:\(integration.service ?? "unnamed")", sha256: "", scopes: [.ingest])
        }
        return nil
    }
}
