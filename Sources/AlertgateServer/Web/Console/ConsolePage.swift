import AlertgateCore
import Foundation
import HTTPTypes
import Hummingbird

/// The console's page frame and answers: the layout every page shares (navigation, sign-out,
/// stylesheet), redirects, error pages and security headers. Pages are server-rendered HTML
/// without script; every text that came from a signal, a report or a person passes through
/// `HTMLText.escape`, and every form carries the session's CSRF token (`csrfInput`).
enum ConsolePage {
    /// No script at all; styles and images from the console itself; forms post only to it.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = headers[.cacheControl] ?? "no-store"
        headers[.referrerPolicy] = "same-origin"
    }

    /// A whole page: `body` inside the console's frame. `refreshSeconds` reloads it by itself.
    static func render(title: String, body: String, console: ConsoleRequest?, refreshSeconds: Int? = nil) -> String {
        let refresh = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">\n" } ?? ""
        var html = HTMLText.documentStart(title: title + " · alertgate", stylesheet: "/ui.css", extraHead: refresh)
        html += """
            <header class="top"><a class="brand" href="/ui">alertgate</a>
            <nav><a href="/ui">Incidents</a> <a href="/ui/silences">Silences</a> <a href="/ui/services">Services</a> <a href="/ui/stats">Stats</a> <a href="/status">Status page</a></nav>

            """
        if let console {
            if let identity = console.identity {
                html += "<form class=\"signout\" method=\"post\" action=\"/ui/logout\">\(csrfInput(console))<span>\(HTMLText.escape(identity.name))</span> <button type=\"submit\">Sign out</button></form>\n"
            }
        }
        html += "</header>\n<main>\n" + body + "</main>\n</body>\n</html>\n"
        return html
    }

    /// The hidden field with the session's CSRF token.
    static func csrfInput(_ console: ConsoleRequest) -> String {
        "<input type=\"hidden\" name=\"\(ConsoleMiddleware.csrfField)\" value=\"\(HTMLText.escape(console.session.csrf))\">"
    }

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other: after a form, the page to look at (so a reload does not post again).
    static func redirect(to location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let cookie { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A failure as a page that says what went wrong.
    static func error(_ error: APIError) -> Response {
        let body = """
            <h1>\(HTMLText.escape(error.status.reasonPhrase))</h1>
            <p class="error">\(HTMLText.escape(error.message))</p>
            <p><a href="/ui">Back to the incidents</a></p>

            """
        var response = html(render(title: error.status.reasonPhrase, body: body, console: nil), status: error.status)
        if let retryAfterSeconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }

    /// A time as the console shows it: UTC, to the second.
    static func time(_ at: Timestamp) -> String {
        let text = at.rfc3339
        return "<time datetime=\"\(HTMLText.escape(text))\">\(HTMLText.escape(String(text.prefix(19)).replacingOccurrences(of: "T", with: " ")))</time>"
    }

    /// A span of time as people say it: 45 s, 12 min, 3 h 5 min, 2 d 4 h.
    static func span(milliseconds: Int64) -> String {
        let seconds = max(milliseconds, 0) / 1000
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        if seconds < 86400 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        return "\(seconds / 86400) d \(seconds % 86400 / 3600) h"
    }
}

extension HTTPField.Name {
    /// Fetch metadata: whether the page that started a request is this site's.
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
