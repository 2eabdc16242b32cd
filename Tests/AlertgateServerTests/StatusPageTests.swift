@testable import AlertgateServer
import AlertgateCore
import AlertgateTesting
import Foundation
import Synchronization
import Testing

/// The status page's HTML: escaping of everything it shows, the days of a component's bar, and
/// the page on a real server with its Content-Security-Policy.
@Suite struct StatusPageTests {
    static let hostile = #"</svg><script>alert(1)</script><img src=x onerror="alert(2)"> 'x' <a href="javascript:alert(3)">"#

    @Test func escapingLeavesNoMarkupQuoteOrAmpersand() {
        let escaped = HTMLText.escape(Self.hostile + " & \u{0}")
        #expect(!escaped.contains("<") && !escaped.contains(">") && !escaped.contains("\"") && !escaped.contains("'"))
        #expect(escaped.hasPrefix("&lt;/svg&gt;&lt;script&gt;") && escaped.contains("onerror=&quot;alert(2)&quot;") && escaped.contains("&#39;x&#39;"))
        #expect(escaped.hasSuffix(" &amp; \u{FFFD}"))
        #expect(HTMLText.escape("Zürich — ok") == "Zürich — ok")
    }

    static let day: Int64 = 86_400_000
    static let minute: Int64 = 60_000

    static func incident(_ id: Int64, _ type: IncidentType, _ severity: IncidentSeverity, from: Int64, to: Int64?, service: String = "checkout") -> IncidentState {
        IncidentState(id: id, key: service, title: "t", status: to == nil ? .open : .resolved, severity: severity, type: type, service: service,
                      services: [service], owner: nil, detectedBy: .monitoring, openedAt: Timestamp(milliseconds: from),
                      resolvedAt: to.map { Timestamp(milliseconds: $0) }, lastActivity: Timestamp(milliseconds: to ?? from),
                      signalCount: 1, alertCount: 1, reportCount: 0)
    }

    @Test func aDayCountsTheMinutesOfItsWorstStateAndUptimeCountsOutagesOnly() {
        // Now: day 10, 12:00 UTC. Three days shown: days 8, 9 and 10 (half elapsed).
        let now = Timestamp(milliseconds: 10 * Self.day + 12 * 60 * Self.minute)
        let incidents = [
            // Day 8: a partial outage 10:00–12:00, and a degradation 11:00–13:00 beside it.
            Self.incident(1, .outage, .sev2, from: 8 * Self.day + 600 * Self.minute, to: 8 * Self.day + 720 * Self.minute),
            Self.incident(2, .degradation, .sev3, from: 8 * Self.day + 660 * Self.minute, to: 8 * Self.day + 780 * Self.minute),
            // Day 9: a security incident (no mark) and another service's outage (not this one's).
            Self.incident(3, .security, .sev1, from: 9 * Self.day, to: 9 * Self.day + 600 * Self.minute),
            Self.incident(4, .outage, .sev1, from: 9 * Self.day, to: 9 * Self.day + 600 * Self.minute, service: "search"),
            // Day 10: a major outage open since 11:30, lasting until now.
            Self.incident(5, .outage, .sev1, from: 10 * Self.day + 690 * Self.minute, to: nil),
        ]
        let days = StatusHistory.days(service: "checkout", incidents: incidents, days: 3, now: now)
        #expect(days.map(\.start.milliseconds) == [8 * Self.day, 9 * Self.day, 10 * Self.day])
        #expect(days[0].minutes == [.partialOutage: 120, .degradedPerformance: 60])
        #expect(days[0].worst == .partialOutage && abs(days[0].uptime - (1 - 120.0 / 1440)) < 1e-9)
        #expect(days[1].minutes.isEmpty && days[1].uptime == 1 && days[1].worst == .operational)
        #expect(days[2].minutes == [.majorOutage: 30] && abs(days[2].uptime - (1 - 30.0 / 720)) < 1e-9)
        #expect(days.map(\.incidents) == [[1, 2], [], [5]])
    }

    static let catalog = ServiceCatalog(services: [.init(name: "checkout", publicName: #"Check<b>out</b> "A" & 'B'"#)])

    @Test func thePageEscapesEverythingItShowsAndCarriesNoScript() throws {
        let open = [Self.incident(1, .outage, .sev1, from: 0, to: nil)]
        let line = StoredTimelineEntry(id: 7, entry: TimelineEntry(incidentID: 1, at: Timestamp(milliseconds: 1_000), kind: .update,
                                                                   text: Self.hostile, isPublic: true))
        let summary = StatusSummary.build(pageName: "Status", url: "", catalog: Self.catalog, open: open, publicLines: [1: [line]],
                                          now: Timestamp(milliseconds: 2 * Self.day))
        let history = ["checkout": StatusHistory.days(service: "checkout", incidents: open, days: 90, now: summary.page.updatedAt)]
        let html = StatusPageHTML.render(summary: summary, history: history, resolved: [])
        #expect(!html.lowercased().contains("<script") && !html.contains("onerror=\"") && !html.contains("href=\"javascript:"))
        #expect(!html.contains("<b>out</b>") && !html.contains("</svg><"))
        #expect(html.contains(HTMLText.escape(Self.hostile)))
        #expect(html.contains("Check&lt;b&gt;out&lt;/b&gt; &quot;A&quot; &amp; &#39;B&#39;"))
        // One bar of 90 days, each with its tooltip; the banner says a major outage.
        #expect(html.components(separatedBy: "<rect ").count - 1 == 90 && html.components(separatedBy: "<title>").count - 1 == 91)
        // A day's tooltip names the incidents the page shows, by their public names.
        #expect(html.contains("Major System Outage") && html.contains(": major outage 1440 min\n\(HTMLText.escape(summary.incidents[0].name))</title>"))
    }
}

extension StatusPageTests {
    @Test func theFeedHasAnEntryPerPublicUpdateNewestFirstWithItsTextEscaped() {
        let open = [Self.incident(1, .outage, .sev2, from: 0, to: nil)]
        let lines = [StoredTimelineEntry(id: 7, entry: TimelineEntry(incidentID: 1, at: Timestamp(milliseconds: 1_000), kind: .update,
                                                                     text: "First <b>look</b> & more", isPublic: true)),
                     StoredTimelineEntry(id: 9, entry: TimelineEntry(incidentID: 1, at: Timestamp(milliseconds: 5_000), kind: .update,
                                                                     text: "Fixed.", isPublic: true)),
                     StoredTimelineEntry(id: 8, entry: TimelineEntry(incidentID: 1, at: Timestamp(milliseconds: 3_000), kind: .update,
                                                                     text: "internal", isPublic: false))]
        let summary = StatusSummary.build(pageName: "Status", url: "", catalog: Self.catalog, open: open, publicLines: [1: lines],
                                          now: Timestamp(milliseconds: 9_000))
        let xml = StatusFeed.atom(summary: summary, incidents: summary.incidents, pageURL: "http://status.example/status")
        let entries = xml.components(separatedBy: "<entry>").dropFirst()
        #expect(entries.count == 2)
        #expect(entries.first?.contains("<id>http://status.example/status#update-9</id>") == true)
        #expect(entries.first?.contains("<updated>1970-01-01T00:00:05.000Z</updated>") == true)
        #expect(entries.last?.contains("<content type=\"text\">First &lt;b&gt;look&lt;/b&gt; &amp; more</content>") == true)
        #expect(!xml.contains("internal") && !xml.contains("<b>"))
        #expect(xml.contains("<updated>1970-01-01T00:00:05.000Z</updated>\n<author>"))
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">") && xml.hasSuffix("</feed>\n"))
    }
}

@Suite struct StatusPageLiveTests {
    @Test func thePageAndItsStylesheetAreServedWithoutATokenUnderAPolicyWithoutScript() async throws {
        try await StatusSummaryLiveTests.withStatusGateway { client, auth in
            let opened = try await client.post("/api/v1/events", #"{"title": "<script>alert(1)</script>", "service": "checkout", "severity": "critical"}"#, headers: auth)
            let id = try #require((opened.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
            let update = #"{"text": "Payments fail </svg><script>alert(2)</script> <a href=\"javascript:x\">", "public": true}"#
            #expect(try await client.post("/api/v1/incidents/\(id)/updates", update, headers: auth).status == 200)

            let page = try await client.get("/status")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            let policy = try #require(page.header("Content-Security-Policy"))
            #expect(policy.contains("default-src 'none'") && !policy.contains("script-src") && !policy.contains("unsafe-inline"))
            #expect(!page.text.lowercased().contains("<script") && !page.text.contains("href=\"javascript:"))
            #expect(page.text.contains("Payments fail &lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;"))
            #expect(page.text.contains(">Checkout<") && page.text.contains(">Shop<") && page.text.contains("Active incidents"))
            // The alert's title is internal: it is not on the page in any form.
            #expect(!page.text.contains("alert(1)"))

            let feed = try await client.get("/status.atom")
            #expect(feed.status == 200 && feed.header("Content-Type")?.hasPrefix("application/atom+xml") == true)
            #expect(feed.text.contains("<title>Checkout: major outage (investigating)</title>") && !feed.text.contains("alert(1)"))

            let css = try await client.get("/status.css")
            #expect(css.status == 200 && css.header("Content-Type")?.hasPrefix("text/css") == true && css.text.contains("svg.bar"))
            #expect(try await client.get("/api/v1/incidents").status == 401)
        }
    }
}

@Suite struct SharedBuildsTests {
    /// A build that waits for `open` to be yielded, counting how often it ran.
    final class Gate: Sendable {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        let runs = Mutex(0)
    }

    @Test func callersThatAskDuringABuildShareItAndALaterCallerBuildsAgain() async throws {
        let builds = SharedBuilds<Int>()
        let gate = Gate()
        let build: @Sendable () async throws -> Int = {
            let run = gate.runs.withLock { $0 += 1; return $0 }
            for await _ in gate.stream { break }
            return run
        }
        async let values = withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await builds.value("page", build: build) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Every caller waits on the one build before it may end. (A generous bound: in a full
        // parallel test run the callers may wait long for a thread; no timing is asserted.)
        #expect(try await eventually(timeout: .seconds(300)) { await builds.waiters("page") == 8 })
        gate.continuation.yield()
        #expect(try await values == Array(repeating: 1, count: 8))
        #expect(gate.runs.withLock { $0 } == 1)
        // Nothing is kept: the next caller builds anew.
        gate.continuation.yield()
        #expect(try await builds.value("page", build: build) == 2)
        #expect(await builds.waiters("page") == 0)
    }
}
