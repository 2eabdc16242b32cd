import AlertgateCore
import Foundation

/// The demo's made-up week at a small shop, told through alertgate's HTTP API as its tools and
/// engineers would: Prometheus-style alerts and deploys as events, an OpenTelemetry error span,
/// user reports, and the engineers' acknowledgements, notes, public updates and resolutions.
/// Each step sets the demo clock to when it happens (`at`, relative to the real now).
struct DemoStory {
    let client: APIClient
    let clock: DemoClock
    let start = Timestamp(Date())

    /// Alerts fire until resolved: the story does not resend each minute as Prometheus would.
    static let config = """
        correlation: {resolve_timeout: 6h}
        catalog:
          default_team: ops
          services:
            - {name: checkout, team: payments, tier: 1, oncall: payments-primary, runbook: "https://runbooks.example/checkout", depends_on: [payments-db], public: {name: Checkout, group: Shop}}
            - {name: payments-db, team: payments, tier: 1}
            - {name: search, team: discovery, tier: 2, public: {name: Search, group: Shop}}
            - {name: web, team: frontend, tier: 1, aliases: [login], public: {name: Website and login}}
            - {name: ledger, team: core, tier: 2}

        """

    /// The time `minutes` before the real start of the demo.
    func at(minutesAgo minutes: Int64) {
        clock.jump(to: Timestamp(milliseconds: start.milliseconds - minutes * 60_000))
    }

    @discardableResult
    func post(_ path: String, _ body: [String: Any], contentType: String = "application/json") async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let (status, answer) = try await client.send("POST", path, body: data, contentType: contentType)
        guard (200..<300).contains(status) else {
            throw APIClient.Failure(description: "POST \(path): HTTP \(status) \(String(decoding: answer, as: UTF8.self))")
        }
        return (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any] ?? [:]
    }

    /// Sends an event and answers the incident it joined.
    @discardableResult
    func event(_ body: [String: Any]) async throws -> Int {
        try await event("/api/v1/events", body)
    }

    @discardableResult
    func event(_ path: String, _ body: [String: Any]) async throws -> Int {
        let answer = try await post(path, body)
        guard let incident = (answer["results"] as? [[String: Any]])?.first?["incident_id"] as? Int else { return 0 }
        return incident
    }

    func act(_ incident: Int, _ action: String, by: String, _ text: String? = nil, public isPublic: Bool = false) async throws {
        var body: [String: Any] = ["by": by]
        if let text { body["text"] = text }
        if isPublic { body["public"] = true }
        try await post("/api/v1/incidents/\(incident)/\(action)", body)
    }

    func classify(_ incident: Int, severity: String, type: String, owner: String? = nil) async throws {
        var body: [String: Any] = ["severity": severity, "type": type, "by": "dana"]
        if let owner { body["owner"] = owner }
        let data = try JSONSerialization.data(withJSONObject: body)
        _ = try await client.send("PATCH", "/api/v1/incidents/\(incident)", body: data)
    }

    /// An OTLP/HTTP JSON export of one failed server span with its exception event.
    func errorSpan(service: String, name: String, exception: String, message: String) -> [String: Any] {
        let now = clock.now().milliseconds * 1_000_000
        return ["resourceSpans": [[
            "resource": ["attributes": [["key": "service.name", "value": ["stringValue": service]]]],
            "scopeSpans": [["spans": [[
                "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": name, "kind": 2,
                "startTimeUnixNano": String(now - 30_000_000_000), "endTimeUnixNano": String(now),
                "status": ["code": 2, "message": message],
                "events": [["name": "exception", "timeUnixNano": String(now), "attributes": [
                    ["key": "exception.type", "value": ["stringValue": exception]],
                    ["key": "exception.message", "value": ["stringValue": message]]]]],
            ]]]],
        ]]]
    }

    func tell() async throws {
        let day: Int64 = 24 * 60

        // Six days ago: search slows down at night; the on-call engineer tells users.
        at(minutesAgo: 6 * day + 170)
        let search = try await event(["title": "SearchLatencyHigh: p99 above 2 s", "service": "search", "severity": "warning",
                                      "labels": ["alertname": "SearchLatencyHigh", "cluster": "eu-1"]])
        at(minutesAgo: 6 * day + 158)
        try await act(search, "acknowledge", by: "dana")
        try await classify(search, severity: "SEV3", type: "degradation", owner: "discovery")
        try await act(search, "updates", by: "dana", "Search is slower than usual. We are looking into it.", public: true)
        at(minutesAgo: 6 * day + 120)
        try await event(["title": "SearchLatencyHigh: p99 above 2 s", "service": "search", "severity": "warning", "status": "resolved",
                         "labels": ["alertname": "SearchLatencyHigh", "cluster": "eu-1"]])
        try await act(search, "updates", by: "dana", "Search is back to normal speed.", public: true)
        try await act(search, "resolve", by: "dana")

        // Three days ago: a ledger deploy breaks writes; rolled back, internal only.
        at(minutesAgo: 3 * day + 600)
        try await post("/api/v1/changes", ["title": "Deploy ledger v2.3.1", "service": "ledger", "version": "v2.3.1", "author": "ci"])
        at(minutesAgo: 3 * day + 592)
        let ledger = try await event(["title": "LedgerWriteErrors: 12 % of writes fail", "service": "ledger", "severity": "critical",
                                      "labels": ["alertname": "LedgerWriteErrors", "cluster": "eu-1"]])
        at(minutesAgo: 3 * day + 587)
        try await act(ledger, "acknowledge", by: "sam")
        try await act(ledger, "notes", by: "sam", "v2.3.1 changed the write path; rolling back.")
        at(minutesAgo: 3 * day + 566)
        try await event(["title": "LedgerWriteErrors: 12 % of writes fail", "service": "ledger", "severity": "critical", "status": "resolved",
                         "labels": ["alertname": "LedgerWriteErrors", "cluster": "eu-1"]])
        try await act(ledger, "resolve", by: "sam", "Rolled back to v2.3.0.")

        // Yesterday: users report login errors before monitoring does.
        at(minutesAgo: day + 300)
        let login = try await event("/api/v1/reports", ["title": "Login page says error 500", "service": "web", "reporter": "support@shop.example",
                                                        "description": "Customer cannot log in since 10 minutes."])
        at(minutesAgo: day + 296)
        try await event(["title": "WebLoginErrors: 5xx above 5 %", "service": "web", "severity": "critical",
                         "labels": ["alertname": "WebLoginErrors", "cluster": "eu-1"]])
        at(minutesAgo: day + 290)
        try await act(login, "acknowledge", by: "alex")
        try await classify(login, severity: "SEV2", type: "outage", owner: "frontend")
        try await act(login, "updates", by: "alex", "Some customers cannot log in. We are working on it.", public: true)
        at(minutesAgo: day + 250)
        try await event(["title": "WebLoginErrors: 5xx above 5 %", "service": "web", "severity": "critical", "status": "resolved",
                         "labels": ["alertname": "WebLoginErrors", "cluster": "eu-1"]])
        try await act(login, "updates", by: "alex", "Logging in works again. We are sorry for the trouble.", public: true)
        try await act(login, "resolve", by: "alex")
        at(minutesAgo: day + 200)
        try await act(login, "close", by: "alex")

        // Now: a checkout deploy, then errors, a failing span, user reports; the on-call engineer is on it.
        at(minutesAgo: 26)
        try await post("/api/v1/changes", ["title": "Deploy checkout v5.12.0", "service": "checkout", "version": "v5.12.0", "author": "ci"])
        at(minutesAgo: 19)
        let checkoutAlert: [String: Any] = ["title": "CheckoutHighErrorRate: 18 % of payments fail", "service": "checkout", "severity": "critical",
                                            "labels": ["alertname": "CheckoutHighErrorRate", "cluster": "eu-1", "route": "/api/pay"]]
        let checkout = try await event(checkoutAlert)
        at(minutesAgo: 18)
        try await post("/v1/traces", errorSpan(service: "checkout", name: "POST /api/pay", exception: "PaymentTimeoutError",
                                               message: "payments-db did not answer within 5 s"))
        at(minutesAgo: 17)
        try await event(["title": "PaymentsDBPoolExhausted: 100 of 100 connections busy", "service": "payments-db", "severity": "critical",
                         "labels": ["alertname": "PaymentsDBPoolExhausted", "cluster": "eu-1"]])
        at(minutesAgo: 15)
        try await event("/api/v1/reports", ["title": "Payment spins forever", "service": "checkout", "reporter": "jo@example.com"])
        at(minutesAgo: 13)
        try await act(checkout, "acknowledge", by: "alex")
        try await classify(checkout, severity: "SEV1", type: "outage", owner: "payments")
        try await act(checkout, "notes", by: "alex", "Errors started 7 min after v5.12.0. Rolling back.")
        at(minutesAgo: 11)
        try await act(checkout, "updates", by: "alex", "Card payments fail for some customers. We found the cause and are rolling back.", public: true)
        at(minutesAgo: 9)
        try await event("/api/v1/reports", ["title": "Card declined but money taken?", "service": "checkout", "reporter": "kim@example.com"])
        at(minutesAgo: 3)
        let indexLag: [String: Any] = ["title": "SearchIndexLag: index 7 min behind", "service": "search", "severity": "warning",
                                       "labels": ["alertname": "SearchIndexLag", "cluster": "eu-1"]]
        try await event(indexLag)
        // Monitoring resends what still fires.
        at(minutesAgo: 1)
        try await event(checkoutAlert)
        try await event(indexLag)
    }
}
