import AlertgateCodecs
import AlertgateCore
import Foundation
import Hummingbird
import Synchronization

/// `POST /status/report`: the status page's "Report a problem" form. Without a token, so it is
/// limited on its own: at most `maxBodyBytes` read, `burst` reports per address and then one per
/// `secondsPerReport`, and a hidden field that only bots fill (`StatusReportForm`). A report
/// becomes a user-report signal like one sent to `/api/v1/reports` (its service the component
/// chosen, the contact a `reporter` label, the form's bytes its raw payload), and the answer
/// links the incident it joined when that incident is on the page.
final class StatusReportRoutes: Sendable {
    static let burst = 5.0
    static let secondsPerReport = 120.0

    private let status: StatusRoutes
    private let ingestor: Ingestor
    private let limiter = Mutex(RateLimiter(rate: 1 / StatusReportRoutes.secondsPerReport, burst: StatusReportRoutes.burst))

    init(status: StatusRoutes, ingestor: Ingestor) {
        self.status = status
        self.ingestor = ingestor
    }

    func register(on router: Router<GatewayRequestContext>) {
        router.post("/status/report") { [self] request, context in try await report(request, context) }
    }

    func report(_ request: Request, _ context: GatewayRequestContext) async throws -> Response {
        let now = ingestor.clock.now()
        if let wait = limiter.withLock({ $0.admit(context.remoteAddress?.ipAddress ?? "unknown", at: now) }) {
            ingestor.metrics.rejected("status_report_rate_limited", source: SignalSource.reports.rawValue)
            let seconds = Int(wait.components.seconds) + 1
            return answer(.tooManyRequests, "Too many reports", "This address sent several reports just now. Please try again in \(seconds) seconds.",
                          extra: [.retryAfter: String(seconds)])
        }
        let body: [UInt8]
        do {
            body = try await RequestBodyReader(maxBytes: StatusReportForm.maxBodyBytes, maxCompressionRatio: 1, limitKey: "the report form").read(request)
        } catch let error as APIError where error.status == .contentTooLarge {
            return answer(.contentTooLarge, "Report too long", "A report may hold at most \(StatusReportForm.maxTextCharacters) characters.")
        }
        // The page's components are the catalog's public services: no store read needed.
        let components = Set(status.book.current.policy.catalog.services.compactMap { $0.publicName == nil ? nil : $0.name })
        switch StatusReportForm.parse(body, components: components) {
        case .honeypot:
            ingestor.metrics.rejected("status_report_honeypot", source: SignalSource.reports.rawValue)
            return answer(.ok, "Thank you", "Your report was received.")
        case .invalid(let field, let message):
            return answer(.badRequest, "Report not sent", "\(Self.fieldLabel(field)): \(message).")
        case .report(let component, let text, let contact):
            let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
            var event: [String: String] = [
                "title": firstLine.count > 120 ? String(firstLine.prefix(119)) + "…" : firstLine,
                "description": text, "source": "status page",
            ]
            event["service"] = component
            event["reporter"] = contact
            let json = Array(try JSONEncoder().encode(event))
            let batch = try GenericEventCodec(.reports).decode(json, contentType: "application/json")
            guard !batch.signals.isEmpty else {
                return answer(.badRequest, "Report not sent", batch.errors.first?.message ?? "the report could not be read")
            }
            // Its own source, so that who saw an incident first can say "through the status page".
            let signals = batch.signals.map { item, signal in
                var signal = signal
                signal.source = .statusPage
                return (item: item, signal: signal)
            }
            let outcomes = try await ingestor.store(body, contentType: "application/x-www-form-urlencoded", source: .statusPage,
                                                    signals: signals, receivedAt: now).outcomes
            let shown = try await status.summary(page: nil).summary.incidents
            if let id = outcomes.first?.incidentID, let incident = shown.first(where: { $0.id == id }) {
                return answer(.ok, "Thank you", "Your report was received. It matches a known incident: ",
                              link: (href: "/status#incident-\(incident.id)", text: incident.name))
            }
            return answer(.ok, "Thank you", "Your report was received. Our engineers will look at it.")
        }
    }

    static func fieldLabel(_ field: String) -> String {
        switch field {
        case StatusReportForm.textField: "What happened"
        case StatusReportForm.contactField: "Contact"
        default: "The form"
        }
    }

    /// A small page answering the form, under the status page's policy and stylesheet.
    func answer(_ status: HTTPResponse.Status, _ title: String, _ message: String, link: (href: String, text: String)? = nil,
                extra: HTTPFields = [:]) -> Response {
        var html = HTMLText.documentStart(title: title, stylesheet: "/status.css") + """
            <main><h1>\(HTMLText.escape(title))</h1><p>\(HTMLText.escape(message))
            """
        if let link { html += "<a href=\"\(HTMLText.escape(link.href))\">\(HTMLText.escape(link.text))</a>" }
        html += "</p><p><a href=\"/status\">Back to the status page</a></p></main></body></html>\n"
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: StatusPageHTML.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
