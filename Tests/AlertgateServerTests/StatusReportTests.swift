@testable import AlertgateServer
import AlertgateCore
import AlertgateTesting
import Foundation
import Testing

/// The status page's "Report a problem" form: parsing and refusing (pure), and on a real server
/// the report as a signal, the honeypot, the limits.
@Suite struct StatusReportFormTests {
    static let components: Set<String> = ["checkout", "search"]

    static func parse(_ text: String) -> StatusReportForm {
        StatusReportForm.parse(Array(text.utf8), components: components)
    }

    @Test func aFormBecomesAReportWithItsFieldsDecoded() {
        #expect(Self.parse("component=checkout&what_happened=Pay+button+%3Cspins%3E%0D%0Aforever&contact=ana%40example.org&website=")
                == .report(component: "checkout", text: "Pay button <spins>\r\nforever", contact: "ana@example.org"))
        #expect(Self.parse("what_happened=%20%20slow%C3%BC%20&component=") == .report(component: nil, text: "slowü", contact: nil))
        // The first of a repeated field counts.
        #expect(Self.parse("what_happened=a&what_happened=b") == .report(component: nil, text: "a", contact: nil))
    }

    @Test func theHoneypotAndEveryBadFieldAreNamed() {
        #expect(Self.parse("what_happened=hi&website=http%3A%2F%2Fspam") == .honeypot)
        #expect(Self.parse("component=checkout&what_happened=+%0A+") == .invalid(field: "what_happened", message: "say what happened"))
        #expect(Self.parse("what_happened=" + String(repeating: "x", count: 2001))
                == .invalid(field: "what_happened", message: "at most 2000 characters, please"))
        #expect(Self.parse("what_happened=x&contact=" + String(repeating: "c", count: 201))
                == .invalid(field: "contact", message: "at most 200 characters, please"))
        // A component the page does not list keeps the report, without a service.
        #expect(Self.parse("what_happened=x&component=payments-db") == .report(component: nil, text: "x", contact: nil))
        for bad in ["what_happened=%zz", "what_happened=%4", "what_happened=%FF%FE"] {
            #expect(Self.parse(bad) == .invalid(field: "body", message: "the form is not valid application/x-www-form-urlencoded"), "\(bad)")
        }
    }
}

@Suite struct StatusReportLiveTests {
    static let form = ["Content-Type": "application/x-www-form-urlencoded"]

    static func signalCount(_ client: TestHTTPClient, auth: [String: String]) async throws -> Int {
        try await client.request("GET", "/api/v1/stats", headers: auth).json["signals"] as? Int ?? -1
    }

    @Test func aReportBecomesASignalAndLinksThePublicIncidentItJoined() async throws {
        try await StatusSummaryLiveTests.withStatusGateway { client, auth in
            let page = try await client.get("/status")
            #expect(page.text.contains(#"<form class="report" method="post" action="/status/report">"#))
            #expect(page.text.contains(#"<option value="checkout">Checkout</option>"#) && !page.text.contains(#"value="ledger""#))

            let opened = try await client.post("/api/v1/events", #"{"title": "Checkout 5xx", "service": "checkout", "severity": "critical"}"#, headers: auth)
            let id = try #require((opened.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
            #expect(try await client.post("/api/v1/incidents/\(id)/updates", #"{"text": "Payments fail.", "public": true}"#, headers: auth).status == 200)

            let body = "component=checkout&what_happened=The+pay+button+%3Cscript%3E+spins&contact=ana%40example.org&website="
            let answer = try await client.post("/status/report", body, headers: Self.form)
            #expect(answer.status == 200)
            #expect(answer.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
            #expect(answer.text.contains("Your report was received") && answer.text.contains("href=\"/status#incident-\(id)\""))
            #expect(answer.text.contains(">Checkout: major outage</a>"))

            // The report is a signal of that incident, its contact a label, its raw payload the form.
            let signals = try await client.request("GET", "/api/v1/incidents/\(id)/signals", headers: auth).json["signals"] as? [[String: Any]] ?? []
            let report = try #require(signals.first { $0["kind"] as? String == "report" })
            #expect(report["title"] as? String == "The pay button <script> spins" && report["service"] as? String == "checkout")
            let signalID = try #require(report["id"] as? Int)
            let raw = try await client.request("GET", "/api/v1/signals/\(signalID)/raw", headers: auth)
            #expect(raw.text == body && raw.header("Content-Type") == "application/x-www-form-urlencoded")
            // The contact stays off the public page and its JSON.
            #expect(!(try await client.get("/status")).text.contains("ana@example.org"))
            #expect(!(try await client.get("/status.json")).text.contains("ana@example.org"))
        }
    }

    @Test func theHoneypotStoresNothingAndTheLimitsAnswerWithPages() async throws {
        try await StatusSummaryLiveTests.withStatusGateway { client, auth in
            let before = try await Self.signalCount(client, auth: auth)
            let bot = try await client.post("/status/report", "what_happened=cheap+pills&website=http%3A%2F%2Fspam", headers: Self.form)
            #expect(bot.status == 200 && bot.text.contains("Your report was received"))
            #expect(try await Self.signalCount(client, auth: auth) == before)

            let empty = try await client.post("/status/report", "component=checkout&what_happened=+", headers: Self.form)
            #expect(empty.status == 400 && empty.text.contains("What happened: say what happened."))
            let huge = try await client.post("/status/report", "what_happened=" + String(repeating: "x", count: 70_000), headers: Self.form)
            #expect(huge.status == 413 && huge.header("Content-Type")?.hasPrefix("text/html") == true)

            // The three answers above took three of the address's five; two more pass, the next waits.
            for n in 0..<2 { #expect(try await client.post("/status/report", "what_happened=down+\(n)", headers: Self.form).status == 200) }
            let limited = try await client.post("/status/report", "what_happened=down", headers: Self.form)
            #expect(limited.status == 429 && Int(limited.header("Retry-After") ?? "") ?? 0 > 0)
            let after = try await Self.signalCount(client, auth: auth)
            #expect(after == before + 2, "before \(before), after \(after)")
        }
    }
}
