import AlertgateCore
import Synchronization

/// The console's sign-ins, in memory: a random session id (the `alertgate_session` cookie) for
/// the token that signed in, known by its SHA-256 as the config knows it, so a token taken out
/// of the config by a reload ends its sessions at their next request. Each session has its own
/// CSRF token, which every console form carries. Sessions end `lifetime` after sign-in, at
/// sign-out, or when alertgate restarts; at most `capacity` are kept, the oldest dropped first.
final class ConsoleSessions: Sendable {
    struct Session: Equatable, Sendable {
        let id: String
        /// The token that signed in; nil on an install without tokens, where anyone may act.
        let tokenSHA256: String?
        let csrf: String
        let expiresAt: Timestamp
    }

    static let cookieName = "alertgate_session"
    static let lifetime = Duration.seconds(12 * 3600)
    static let capacity = 10_000

    private let sessions = Mutex<[String: Session]>([:])

    /// A new session for `tokenSHA256`.
    func open(tokenSHA256: String?, now: Timestamp) -> Session {
        let session = Session(id: TokenCheck.randomText(), tokenSHA256: tokenSHA256, csrf: TokenCheck.randomText(),
                              expiresAt: now + Self.lifetime)
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expiresAt > now }
            if sessions.count >= Self.capacity, let oldest = sessions.values.min(by: { $0.expiresAt < $1.expiresAt }) {
                sessions[oldest.id] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The session `id` names, while it lasts.
    func find(_ id: String, now: Timestamp) -> Session? {
        sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expiresAt > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// The `Set-Cookie` value for `session`: only for the console's paths, out of script's reach,
    /// never sent with a request another site starts.
    static func cookie(_ session: Session, secure: Bool) -> String {
        "\(cookieName)=\(session.id); Path=/ui; Max-Age=\(lifetime.components.seconds); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that ends the session in the browser.
    static func endedCookie(secure: Bool) -> String {
        "\(cookieName)=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The session id a `Cookie` header carries, if any.
    static func sessionID(cookieHeader: String?) -> String? {
        cookie(cookieName, in: cookieHeader)
    }

    /// The value of the cookie `name` in a `Cookie` header, if any.
    static func cookie(_ name: String, in cookieHeader: String?) -> String? {
        guard let cookieHeader else { return nil }
        for part in cookieHeader.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, String(pair[0]).trimmingWhitespace == name { return String(pair[1]) }
        }
        return nil
    }

    /// The sign-in form's own CSRF token: a cookie for `/ui/login` only, which the form's
    /// `login_csrf` field must match (a page of another site can set neither).
    static let loginCookieName = "alertgate_login"

    static func loginCookie(_ value: String, secure: Bool) -> String {
        "\(loginCookieName)=\(value); Path=/ui/login; Max-Age=3600; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
