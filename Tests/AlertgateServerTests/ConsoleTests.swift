import AlertgateTesting
import Foundation
import Testing
@testable import AlertgateCore
@testable import AlertgateServer

@Suite struct ConsolePartsTests {
    @Test func formFieldsDecodeWhatBrowsersPostAndRefuseBadEscapes() {
        #expect(FormFields.parse(Array("a=1+2&b=%3Cscript%3E&a=ignored&empty=".utf8)) == ["a": "1 2", "b": "<script>", "empty": ""])
        #expect(FormFields.parse(Array("a=%zz".utf8)) == nil)
        #expect(FormFields.parse(Array("a=%FF".utf8)) == nil)
        let text = "/ui?service=a b&x=é\"<"
        #expect(FormFields.decode(ArraySlice(Array(FormFields.encode(text).utf8))) == text)
        #expect(FormFields.encode("a-b_c.d~e f/") == "a-b_c.d~e%20f%2F")
    }

    @Test func afterSigningInOnlyConsolePathsAreFollowed() {
        #expect(ConsoleRoutes.safeNext("/ui/incidents/4") == "/ui/incidents/4")
        #expect(ConsoleRoutes.safeNext("/ui?status=all") == "/ui?status=all")
        #expect(ConsoleRoutes.safeNext("/ui") == "/ui")
        for hostile in ["//evil.example/ui", "https://evil.example/ui", "/uix", "/ui/\\evil", "/ui/\r\nSet-Cookie: x", "/status", nil] {
            #expect(ConsoleRoutes.safeNext(hostile) == "/ui", "\(hostile ?? "nil")")
        }
    }

    @Test func sessionsLastTheirLifetimeAndEndWhenClosed() {
        let sessions = ConsoleSessions()
        let start = Timestamp(milliseconds: 1_800_000_000_000)
        let session = sessions.open(tokenSHA256: "abc", now: start)
        #expect(session.id != session.csrf && session.id.count >= 43)
        #expect(sessions.find(session.id, now: start + .seconds(3600)) == session)
        #expect(sessions.find(session.id, now: start + ConsoleSessions.lifetime) == nil)
        let other = sessions.open(tokenSHA256: nil, now: start)
        sessions.close(other.id)
        #expect(sessions.find(other.id, now: start) == nil)
        let cookie = ConsoleSessions.cookie(session, secure: true)
        #expect(cookie.hasPrefix("alertgate_session=\(session.id); Path=/ui;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict")
            && cookie.hasSuffix("; Secure"))
        #expect(ConsoleSessions.sessionID(cookieHeader: "a=b; alertgate_session=xyz; c=d") == "xyz")
        #expect(ConsoleSessions.sessionID(cookieHeader: "alertgate_sessionx=xyz") == nil)
    }

    @Test func theTimelinePictureDrawsARowPerKindAndServiceWithTheIncidentsMoments() {
        let opened = Timestamp(milliseconds: 1_800_000_000_000)
        var incident = IncidentState(id: 7, key: "k", title: "t", status: .resolved, severity: .sev2, type: .outage, service: "checkout",
                                     services: ["checkout"], owner: nil, detectedBy: .monitoring, openedAt: opened, lastActivity: opened,
                                     signalCount: 4, alertCount: 2, reportCount: 1)
        incident.acknowledgedAt = opened + .seconds(120)
        incident.resolvedAt = opened + .seconds(600)
        func signal(_ id: Int64, _ kind: SignalKind, _ service: String, _ seconds: Int64, _ title: String) -> StoredSignal {
            StoredSignal(id: id, payloadID: id, item: 0, kind: kind, source: .events, status: .firing, decision: .opened, severity: .critical,
                         receivedAt: opened + .seconds(seconds), at: opened + .seconds(seconds), alertID: nil, incidentID: 7,
                         fingerprint: "f", service: service, title: title, why: Why(rule: "test", key: "k", detail: ""))
        }
        let signals = [signal(1, .alert, "checkout", 0, "</svg><script>x</script>"), signal(2, .trace, "checkout", 60, "TimeoutError"),
                       signal(3, .alert, "checkout", 90, "again"), signal(4, .report, "web", 300, "\" onmouseover=\"x")]
        let change = StoredChange(signalID: 9, service: "checkout", title: "deploy v2 <b>", description: nil, at: opened - .seconds(300),
                                  sender: nil, links: [])
        let suspect = SuspectChanges.Suspect(change: change, why: "", minutesBefore: 5, rollbackCandidate: true, possibleFix: false)
        let picture = IncidentTimelinePicture(incident: incident, signals: signals, lines: [], suspects: [suspect], now: opened + .seconds(900))
        #expect(picture.rows == ["alert · checkout", "trace · checkout", "report · web"])
        #expect(picture.markers.map(\.label) == ["opened", "acknowledged", "resolved"])
        #expect(picture.from == change.at && picture.to == incident.resolvedAt)
        #expect(picture.x(picture.from) == IncidentTimelinePicture.labelWidth)
        #expect(picture.x(opened) < picture.x(incident.acknowledgedAt!))
        let svg = picture.svg
        #expect(svg.components(separatedBy: "<circle").count == 5)
        #expect(svg.contains("class=\"change rollback\"") && svg.contains("rollback candidate: deploy v2 &lt;b&gt;"))
        #expect(!svg.contains("<script") && svg.components(separatedBy: "</svg>").count == 2 && !svg.contains("\" onmouseover"))
    }
}

@Suite struct ConsoleLiveTests {
    static let writer = "console-writer-token", reader = "console-reader-token"

    /// A gateway with a writing and a reading token and a small catalog; the client follows no
    /// redirects and keeps no cookies.
    static func withConsole(tokens: Bool = true, _ body: (TestHTTPClient, [String: String]) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let configPath = folder.file("alertgate.yaml")
        var config = """
            catalog:
              services:
                - {name: checkout, team: payments, public: {name: Checkout}}
                - {name: ledger, team: core}

            """
        if tokens {
            config += """
                auth:
                  tokens:
                    - {name: ops, sha256: "\(TokenCheck.sha256(writer))", scopes: [ingest, read, write, admin]}
                    - {name: viewer, sha256: "\(TokenCheck.sha256(reader))", scopes: [read]}

                """
        }
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        try await withRunningGateway(configPath: configPath) { gateway in
            try await body(TestHTTPClient(baseURL: gateway.baseURL, literal: true), tokens ? ["Authorization": "Bearer \(writer)"] : [:])
        }
    }

    static let form = ["Content-Type": "application/x-www-form-urlencoded"]

    /// Posts the sign-in form as a browser would: first loads it (its `login_csrf` field and
    /// cookie), then posts `fields` with them.
    static func postLogin(_ client: TestHTTPClient, _ fields: String, extra: [String: String] = [:]) async throws -> TestHTTPClient.Reply {
        let page = try await client.get("/ui/login")
        let cookie = try #require(page.header("Set-Cookie"))
        #expect(cookie.hasPrefix("alertgate_login=") && cookie.contains("Path=/ui/login") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let marker = "name=\"login_csrf\" value=\""
        let start = try #require(page.text.range(of: marker)).upperBound
        let csrf = String(page.text[start...].prefix { $0 != "\"" })
        return try await client.post("/ui/login", "login_csrf=\(csrf)&" + fields,
                                     headers: form.merging(["Cookie": String(cookie.prefix { $0 != ";" })]) { $1 }.merging(extra) { $1 })
    }

    /// Signs in with `token`: the `Cookie` header of the session.
    static func signIn(_ client: TestHTTPClient, _ token: String) async throws -> String {
        let reply = try await postLogin(client, "token=\(token)")
        #expect(reply.status == 303)
        let cookie = try #require(reply.header("Set-Cookie"))
        return String(cookie.prefix { $0 != ";" })
    }

    static func csrf(_ html: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try #require(html.range(of: marker)).upperBound
        return String(html[start...].prefix { $0 != "\"" })
    }

    static func open(_ client: TestHTTPClient, _ auth: [String: String], _ event: String) async throws -> Int {
        let opened = try await client.post("/api/v1/events", event, headers: auth)
        return try #require((opened.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)
    }

    @Test func signingInSetsAnHttpOnlyStrictCookieAndLeadsBackToThePageAskedFor() async throws {
        try await Self.withConsole { client, auth in
            let id = try await Self.open(client, auth, #"{"title": "disk full", "service": "ledger", "severity": "warning"}"#)
            let away = try await client.get("/ui/incidents/\(id)")
            #expect(away.status == 303 && away.header("Location") == "/ui/login?next=%2Fui%2Fincidents%2F\(id)")
            let form = try await client.get("/ui/login?next=%2Fui%2Fincidents%2F\(id)")
            #expect(form.status == 200 && form.text.contains("value=\"/ui/incidents/\(id)\"") && form.text.contains("type=\"password\""))

            #expect(try await Self.postLogin(client, "token=wrong").status == 401)
            let signedIn = try await Self.postLogin(client, "token=\(Self.writer)&next=%2Fui%2Fincidents%2F\(id)")
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/ui/incidents/\(id)")
            let cookie = try #require(signedIn.header("Set-Cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/ui") && !cookie.contains(Self.writer))
            let hostile = try await Self.postLogin(client, "token=\(Self.writer)&next=%2F%2Fevil.example")
            #expect(hostile.header("Location") == "/ui")

            let session = String(cookie.prefix { $0 != ";" })
            let page = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            #expect(page.status == 200 && page.text.contains("disk full") && page.text.contains("action=\"/ui/incidents/\(id)/acknowledge\""))
            #expect(page.header("Cache-Control") == "no-store")

            // Signing out ends the session on the server, not only in the browser.
            let out = try await client.post("/ui/logout", "csrf=\(try Self.csrf(page.text))", headers: Self.form.merging(["Cookie": session]) { $1 })
            #expect(out.status == 303 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try await client.request("GET", "/ui", headers: ["Cookie": session]).status == 303)
        }
    }

    @Test func theSignInFormNeedsItsOwnCSRFCookieAndField() async throws {
        try await Self.withConsole { client, _ in
            // Posted from another site: no cookie of the form, or a field that does not match it.
            let bare = try await client.post("/ui/login", "token=\(Self.writer)", headers: Self.form)
            #expect(bare.status == 403 && bare.header("Set-Cookie")?.hasPrefix("alertgate_login=") == true)
            let page = try await client.get("/ui/login")
            let cookie = String(try #require(page.header("Set-Cookie")).prefix { $0 != ";" })
            let mismatched = try await client.post("/ui/login", "login_csrf=guess&token=\(Self.writer)", headers: Self.form.merging(["Cookie": cookie]) { $1 })
            #expect(mismatched.status == 403 && mismatched.header("Set-Cookie")?.contains("alertgate_session") != true)
            #expect(try await Self.postLogin(client, "token=\(Self.writer)", extra: ["Origin": "null"]).status == 403)
            #expect(try await Self.postLogin(client, "token=\(Self.writer)").status == 303)
        }
    }

    @Test func aStaleEditFormChangesOnlyWhatThePersonChanged() async throws {
        try await Self.withConsole { client, auth in
            let id = try await Self.open(client, auth, #"{"title": "disk full", "service": "ledger", "severity": "warning"}"#)
            let session = try await Self.signIn(client, Self.writer)
            let page = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            let shown = try #require(try await client.request("GET", "/api/v1/incidents/\(id)", headers: auth).json["severity"] as? String)
            // Someone else raises the severity after the page was loaded ...
            #expect(try await client.request("PATCH", "/api/v1/incidents/\(id)", body: Data(#"{"severity": "SEV1"}"#.utf8), headers: auth).status == 200)
            // ... and the page's form, posted with only the owner changed, leaves it.
            let body = "csrf=\(try Self.csrf(page.text))&was_severity=\(shown)&severity=\(shown)&was_type=degradation&type=degradation&was_owner=&owner=core"
            #expect(try await client.post("/ui/incidents/\(id)/edit", body, headers: Self.form.merging(["Cookie": session]) { $1 }).status == 303)
            let after = try await client.request("GET", "/api/v1/incidents/\(id)", headers: auth)
            #expect(after.json["severity"] as? String == "SEV1" && after.json["owner"] as? String == "core")
            // The raw bytes a sender labelled HTML stay inert in a browser.
            let raw = try await client.request("GET", "/api/v1/signals/1/raw", headers: auth)
            #expect(raw.header("X-Content-Type-Options") == "nosniff" && raw.header("Content-Security-Policy")?.contains("sandbox") == true)
        }
    }

    @Test func aReadOnlyTokenSeesNoActionsAndCannotAct() async throws {
        try await Self.withConsole { client, auth in
            let id = try await Self.open(client, auth, #"{"title": "disk full", "service": "ledger", "severity": "warning"}"#)
            let session = try await Self.signIn(client, Self.reader)
            let page = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            #expect(page.status == 200 && !page.text.contains("/acknowledge\"") && !page.text.contains("Silence…"))
            let acted = try await client.post("/ui/incidents/\(id)/acknowledge", "csrf=\(try Self.csrf(page.text))",
                                              headers: Self.form.merging(["Cookie": session]) { $1 })
            #expect(acted.status == 403 && acted.text.contains("no write scope"))
            #expect(try await Self.postLogin(client, "token=nothing").status == 401)
        }
    }

    @Test func everyFormNeedsTheSessionsCSRFTokenAndTheConsolesOwnOrigin() async throws {
        try await Self.withConsole { client, auth in
            let id = try await Self.open(client, auth, #"{"title": "disk full", "service": "ledger", "severity": "warning"}"#)
            let session = try await Self.signIn(client, Self.writer)
            let page = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            let token = try Self.csrf(page.text)
            let headers = Self.form.merging(["Cookie": session]) { $1 }
            #expect(try await client.post("/ui/incidents/\(id)/acknowledge", "", headers: headers).status == 403)
            #expect(try await client.post("/ui/incidents/\(id)/acknowledge", "csrf=\(token)x", headers: headers).status == 403)
            // Another session's token does not do.
            let other = try await Self.signIn(client, Self.writer)
            let otherPage = try await client.request("GET", "/ui", headers: ["Cookie": other])
            #expect(try await client.post("/ui/incidents/\(id)/acknowledge", "csrf=\(try Self.csrf(otherPage.text))", headers: headers).status == 403)
            let crossSite = headers.merging(["Origin": "http://evil.example"]) { $1 }
            #expect(try await client.post("/ui/incidents/\(id)/acknowledge", "csrf=\(token)", headers: crossSite).status == 403)
            #expect(try await client.post("/ui/incidents/\(id)/acknowledge", "csrf=\(token)", headers: headers.merging(["Sec-Fetch-Site": "cross-site"]) { $1 }).status == 403)
            #expect(try await client.get("/api/v1/incidents/\(id)").status == 401)
            let stillOpen = try await client.request("GET", "/api/v1/incidents/\(id)", headers: auth)
            #expect(stillOpen.json["status"] as? String == "open")

            let acknowledged = try await client.post("/ui/incidents/\(id)/acknowledge", "csrf=\(token)", headers: headers)
            #expect(acknowledged.status == 303 && acknowledged.header("Location") == "/ui/incidents/\(id)")
            let after = try await client.request("GET", "/api/v1/incidents/\(id)", headers: auth)
            #expect(after.json["status"] as? String == "acknowledged")
            let timeline = try #require(after.json["timeline"] as? [[String: Any]])
            #expect(timeline.contains { $0["kind"] as? String == "acknowledged" && $0["by"] as? String == "ops" })
            // Every console POST is in the audit log: who, what, and how it was answered.
            let audit = try #require(try await client.request("GET", "/api/v1/audit?limit=50", headers: auth).json["entries"] as? [[String: Any]])
            let console = audit.filter { ($0["path"] as? String)?.hasPrefix("/ui/") == true }
            #expect(console.contains { $0["path"] as? String == "/ui/incidents/\(id)/acknowledge" && $0["status"] as? Int == 303 && $0["actor"] as? String == "ops" })
            #expect(console.filter { $0["status"] as? Int == 403 }.count == 5)
            #expect(console.contains { $0["path"] as? String == "/ui/login" && $0["status"] as? Int == 303 })
            // An action the incident's state does not allow is answered as a page saying why.
            #expect(try await client.post("/ui/incidents/\(id)/resolve", "csrf=\(token)", headers: headers).status == 303)
            let again = try await client.post("/ui/incidents/\(id)/acknowledge", "csrf=\(token)", headers: headers)
            #expect(again.status == 409 && again.header("Content-Type")?.hasPrefix("text/html") == true && again.text.contains("only an open incident"))
        }
    }

    @Test func aPublicUpdateAndAnEditFromTheConsoleReachTheStatusPage() async throws {
        try await Self.withConsole { client, auth in
            let id = try await Self.open(client, auth, #"{"title": "checkout 502", "service": "checkout", "severity": "critical"}"#)
            let session = try await Self.signIn(client, Self.writer)
            let token = try Self.csrf(try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session]).text)
            let headers = Self.form.merging(["Cookie": session]) { $1 }
            #expect(try await client.post("/ui/incidents/\(id)/edit", "csrf=\(token)&severity=SEV1&type=outage&owner=payments", headers: headers).status == 303)
            #expect(try await client.post("/ui/incidents/\(id)/note", "csrf=\(token)&text=ledger+restarted", headers: headers).status == 303)
            #expect(try await client.post("/ui/incidents/\(id)/update", "csrf=\(token)&text=", headers: headers).status == 400)
            #expect(try await client.post("/ui/incidents/\(id)/update", "csrf=\(token)&text=Card+payments+fail.", headers: headers).status == 303)
            let status = try await client.get("/status.json")
            let incidents = try #require(status.json["incidents"] as? [[String: Any]])
            #expect(incidents.first?["name"] as? String == "Checkout: major outage")
            #expect((incidents.first?["incident_updates"] as? [[String: Any]])?.map { $0["body"] as? String } == ["Card payments fail."])
            let page = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            #expect(page.text.contains("ledger restarted") && page.text.contains("<span class=\"tag\">public</span>"))
            #expect(page.text.contains("<span class=\"sev sev-sev1\">SEV1</span>"))
        }
    }

    @Test func whatSignalsReportsAndSilencesCarryComesOutInert() async throws {
        try await Self.withConsole { client, auth in
            let hostile = #"</svg><script>alert(1)</script><img src=x onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">x</a>'"#
            let event = #"{"title": "\#(hostile)", "service": "checkout", "severity": "critical", "labels": {"note": "\#(hostile)"}, "links": [{"href": "javascript:alert(4)", "text": "\#(hostile)"}]}"#
            let id = try await Self.open(client, auth, event)
            _ = try await client.post("/api/v1/reports", #"{"title": "\#(hostile)", "service": "checkout"}"#, headers: auth)
            let session = try await Self.signIn(client, Self.writer)
            let headers = Self.form.merging(["Cookie": session]) { $1 }
            let incident = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            let token = try Self.csrf(incident.text)
            let comment = FormFields.encode(hostile)
            let matcher = FormFields.encode("note=~\".+\"")
            #expect(try await client.post("/ui/silences", "csrf=\(token)&matchers=\(matcher)&duration=1h&comment=\(comment)", headers: headers).status == 303)
            #expect(try await client.post("/ui/incidents/\(id)/note", "csrf=\(token)&text=\(comment)", headers: headers).status == 303)

            let alertID = try #require(((try await client.request("GET", "/api/v1/incidents/\(id)", headers: auth)).json["alerts"] as? [[String: Any]])?.first?["id"] as? Int)
            for path in ["/ui", "/ui/incidents/\(id)", "/ui/alerts/\(alertID)", "/ui/silences", "/ui/silences?alert=\(alertID)", "/ui/signals/1/raw", "/ui/services", "/ui/stats", "/ui?status=all"] {
                let page = try await client.request("GET", path, headers: ["Cookie": session])
                #expect(page.status == 200, "\(path)")
                let policy = page.header("Content-Security-Policy") ?? ""
                #expect(policy.contains("default-src 'none'") && !policy.contains("script-src") && !policy.contains("unsafe"), "\(path)")
                let text = page.text.lowercased()
                #expect(!text.contains("<script") && !text.contains("<img") && !text.contains("href=\"javascript:"), "\(path)")
                // No element has an event-handler attribute (text that reads `onerror=` between tags is inert).
                #expect(page.text.range(of: #"<[a-zA-Z][^>]*\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(path)")
                #expect(page.text.components(separatedBy: "</svg>").count == page.text.components(separatedBy: "<svg").count, "\(path)")
            }
            let page = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            #expect(page.text.contains("&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;"))
            #expect(page.text.contains("&#39;"))
            let silences = try await client.request("GET", "/ui/silences", headers: ["Cookie": session])
            #expect(silences.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && silences.text.contains("<code>note=~.+</code>"))
        }
    }

    @Test func silencesAreMadeFromAnAlertsLabelsAndExpired() async throws {
        try await Self.withConsole { client, auth in
            let id = try await Self.open(client, auth, #"{"title": "queue backlog", "service": "ledger", "severity": "warning", "labels": {"queue": "payouts"}}"#)
            let alertID = try #require(((try await client.request("GET", "/api/v1/incidents/\(id)", headers: auth)).json["alerts"] as? [[String: Any]])?.first?["id"] as? Int)
            let session = try await Self.signIn(client, Self.writer)
            // The alert's page: its labels and its history, repeats folded into a count.
            for _ in 0..<3 {
                _ = try await client.post("/api/v1/events", #"{"title": "queue backlog", "service": "ledger", "severity": "warning", "labels": {"queue": "payouts"}}"#, headers: auth)
            }
            let alertPage = try await client.request("GET", "/ui/alerts/\(alertID)", headers: ["Cookie": session])
            #expect(alertPage.status == 200 && alertPage.text.contains("<code>queue=payouts</code>") && alertPage.text.contains("<strong>3 repeats</strong>"))
            #expect(alertPage.text.contains("href=\"/ui/silences?alert=\(alertID)\""))
            let draft = try await client.request("GET", "/ui/silences?alert=\(alertID)", headers: ["Cookie": session])
            #expect(draft.text.contains("queue=payouts"))
            let headers = Self.form.merging(["Cookie": session]) { $1 }
            let token = try Self.csrf(draft.text)
            #expect(try await client.post("/ui/silences", "csrf=\(token)&matchers=queue%3D%22payouts%22%0Anot+a+matcher&duration=1h", headers: headers).status == 400)
            #expect(try await client.post("/ui/silences", "csrf=\(token)&matchers=queue%3D%22payouts%22&duration=soon", headers: headers).status == 400)
            #expect(try await client.post("/ui/silences", "csrf=\(token)&matchers=queue%3D%22payouts%22&duration=1h&comment=maintenance", headers: headers).status == 303)
            let silences = try #require(try await client.request("GET", "/api/v1/silences", headers: auth).json["silences"] as? [[String: Any]])
            #expect(silences.count == 1 && silences[0]["created_by"] as? String == "ops" && silences[0]["state"] as? String == "active")
            let silenceID = try #require(silences[0]["id"] as? Int)
            #expect(try await client.post("/ui/silences/\(silenceID)/expire", "csrf=\(token)", headers: headers).status == 303)
            let after = try await client.request("GET", "/api/v1/silences/\(silenceID)", headers: auth)
            #expect(after.json["state"] as? String == "expired")
        }
    }

    @Test func theServicesPageSetsAComponentsStateByHandAndGivesItBack() async throws {
        try await Self.withConsole { client, auth in
            let session = try await Self.signIn(client, Self.writer)
            let page = try await client.request("GET", "/ui/services", headers: ["Cookie": session])
            #expect(page.status == 200 && page.text.contains("action=\"/ui/services/checkout/state\"") && !page.text.contains("/ui/services/ledger/state"))
            let headers = Self.form.merging(["Cookie": session]) { $1 }
            let token = try Self.csrf(page.text)
            #expect(try await client.post("/ui/services/checkout/state", "csrf=\(token)&state=partial_outage", headers: headers).status == 303)
            let components = try await client.get("/status.json").json["components"] as? [[String: Any]]
            #expect(components?.first?["status"] as? String == "partial_outage")
            #expect(try await client.post("/ui/services/checkout/state", "csrf=\(token)&state=nonsense", headers: headers).status == 400)
            #expect(try await client.post("/ui/services/ledger/state", "csrf=\(token)&state=operational", headers: headers).status == 404)
            #expect(try await client.post("/ui/services/checkout/state", "csrf=\(token)&state=automatic", headers: headers).status == 303)
            #expect((try await client.get("/status.json").json["components"] as? [[String: Any]])?.first?["status"] as? String == "operational")
            _ = auth
        }
    }

    @Test func withoutTokensTheConsoleIsOpenButFormsStillNeedTheCSRFToken() async throws {
        try await Self.withConsole(tokens: false) { client, auth in
            let id = try await Self.open(client, auth, #"{"title": "disk full", "service": "ledger", "severity": "warning"}"#)
            let list = try await client.get("/ui")
            #expect(list.status == 200 && list.text.contains("disk full") && list.text.contains("http-equiv=\"refresh\""))
            let cookie = try #require(list.header("Set-Cookie"))
            let session = String(cookie.prefix { $0 != ";" })
            #expect(try await client.get("/ui/login").status == 303)
            let headers = Self.form.merging(["Cookie": session]) { $1 }
            #expect(try await client.post("/ui/incidents/\(id)/resolve", "", headers: headers).status == 403)
            let page = try await client.request("GET", "/ui/incidents/\(id)", headers: ["Cookie": session])
            #expect(page.header("Set-Cookie") == nil)
            #expect(try await client.post("/ui/incidents/\(id)/resolve", "csrf=\(try Self.csrf(page.text))", headers: headers).status == 303)
            #expect(try await client.get("/api/v1/incidents/\(id)").json["status"] as? String == "resolved")
        }
    }
}
