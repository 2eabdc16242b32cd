import AlertgateCore
import HTTPTypes
import Hummingbird
import Logging

/// What the console's handlers know of a request: its session, the form it posted (empty for
/// a GET), and whether its identity may do a thing (to show only the actions it may take).
struct ConsoleRequest: Sendable {
    let session: ConsoleSessions.Session
    let form: [String: String]
    let identity: AuthToken?

    /// Without tokens configured there is no identity and everyone may act, as in the API.
    func may(_ scope: AuthScope) -> Bool {
        identity?.allows(scope) ?? true
    }

    /// A field of a form that also carries what the page showed (`was_<name>`): its text when
    /// the person changed it, else nil, so that a page loaded before someone else's change does
    /// not put the old value back.
    func changed(_ name: String) -> String? {
        let now = field(name)
        if let shown = form["was_" + name]?.trimmingWhitespace, (now ?? "") == shown { return nil }
        return now
    }

    /// The text a form field holds, trimmed; nil when absent or empty.
    func field(_ name: String) -> String? {
        let text = form[name]?.trimmingWhitespace ?? ""
        return text.isEmpty ? nil : text
    }
}

/// The console's door, in front of every `/ui` page (the stylesheet is routed outside it; the
/// sign-in form passes through, checking its own CSRF pair):
/// - With tokens configured, a page needs the session cookie of a sign-in whose token is still
///   configured; without one a GET is sent to `/ui/login` and a POST refused. Without tokens,
///   every visitor gets a session (for its CSRF token) and may act.
/// - The scope a page or action needs is `RouteScope.console`'s.
/// - A POST must come from the console's own pages: no `Origin` of another site, and the
///   session's CSRF token in its `csrf` field. The form is read here, at most `maxFormBytes`.
/// - Every failure is answered as an HTML page (`ConsolePage.error`), with the console's
///   security headers on every answer.
/// - Every POST (sign-in attempts, actions, refusals) goes to the audit log, as the API's
///   writes do (`AuditMiddleware`, which sees no console identity: it is found here).
struct ConsoleMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let sessions: ConsoleSessions
    let book: PolicyBook
    let audit: any AuditStore
    let clock: any WallClock
    let secureCookies: Bool
    let logger: Logger

    static let maxFormBytes = 128 * 1024
    static let csrfField = "csrf"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        var identity: AuthToken?
        do {
            response = try await admit(request, context: context, identity: &identity, next: next)
        } catch {
            if let answer = APIError.from(error) as? APIError {
                response = ConsolePage.error(answer)
            } else {
                logger.error("console request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
                response = ConsolePage.error(APIError(.internalServerError, code: "internal", message: "The request failed inside alertgate."))
            }
        }
        ConsolePage.secure(&response.headers)
        if request.method == .post { await record(request, context, identity: identity, status: Int(response.status.code)) }
        return response
    }

    private func record(_ request: Request, _ context: Context, identity: AuthToken?, status: Int) async {
        let entry = AuditEntry(at: clock.now(), actor: identity?.name, address: context.remoteAddress?.ipAddress,
                               method: request.method.rawValue, path: request.uri.path, status: status, detail: nil)
        await AuditMiddleware.append(entry, to: audit, logger: logger)
    }

    /// Lets the request through to its page or refuses it; `identity` is the signed-in token.
    private func admit(_ request: Request, context: Context, identity: inout AuthToken?,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/ui/login" { return try await next(request, context) }
        let now = clock.now()
        let tokens = book.current.policy.tokens
        var session = ConsoleSessions.sessionID(cookieHeader: request.headers[.cookie]).flatMap { sessions.find($0, now: now) }
        var newCookie: String?
        if tokens.isEmpty {
            if session == nil || session?.tokenSHA256 != nil {
                let opened = sessions.open(tokenSHA256: nil, now: now)
                session = opened
                newCookie = ConsoleSessions.cookie(opened, secure: secureCookies)
            }
        } else {
            guard let signedIn = session, let sha = signedIn.tokenSHA256,
                  let token = tokens.first(where: { TokenCheck.constantTimeEqual(Array($0.sha256.utf8), Array(sha.utf8)) }) else {
                guard request.method == .get || request.method == .head else {
                    throw APIError(.unauthorized, code: "unauthenticated", message: "Your sign-in has ended. Sign in again, then repeat what you did.")
                }
                let target = path + (request.uri.query.map { "?" + $0 } ?? "")
                return ConsolePage.redirect(to: "/ui/login?next=" + FormFields.encode(target))
            }
            identity = token
        }
        guard let session else { throw APIError(.unauthorized, code: "unauthenticated", message: "Sign in first.") }
        let needed = RouteScope.console(method: request.method, path: path)
        if let identity, !identity.allows(needed) {
            throw APIError(.forbidden, code: "insufficient_scope", message: "The token \(identity.name) has no \(needed.rawValue) scope, which this needs.")
        }
        var form: [String: String] = [:]
        if request.method == .post {
            try Self.requireSameOrigin(request)
            form = try await Self.readForm(request)
            guard let presented = form[Self.csrfField],
                  TokenCheck.constantTimeEqual(Array(presented.utf8), Array(session.csrf.utf8)) else {
                throw APIError(.forbidden, code: "csrf", message: "This form is stale or did not come from this console. Reload the page and try again.")
            }
        }
        var context = context
        context.identity = identity
        context.console = ConsoleRequest(session: session, form: form, identity: identity)
        var response = try await next(request, context)
        if let newCookie { response.headers.append(HTTPField(name: .setCookie, value: newCookie)) }
        return response
    }

    /// Refuses a POST that a page of another site started: browsers name the page's origin in
    /// `Origin` (`null` for an opaque one, which is never the console's) and say
    /// `Sec-Fetch-Site: cross-site`.
    static func requireSameOrigin(_ request: Request) throws {
        if let site = request.headers[.secFetchSite], site == "cross-site" || site == "same-site" {
            throw APIError(.forbidden, code: "cross_site", message: "The console takes forms only from its own pages.")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
            guard !host.isEmpty, originHost == host else {
                throw APIError(.forbidden, code: "cross_site", message: "The console takes forms only from its own pages.")
            }
        }
    }

    /// The posted form's fields.
    static func readForm(_ request: Request) async throws -> [String: String] {
        let body = try await RequestBodyReader(maxBytes: maxFormBytes, maxCompressionRatio: 1, limitKey: "the console's form limit").read(request)
        guard let fields = FormFields.parse(body) else {
            throw APIError(.badRequest, code: "invalid_form", message: "The form is not valid application/x-www-form-urlencoded.")
        }
        return fields
    }
}
