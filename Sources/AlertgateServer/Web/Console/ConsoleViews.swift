import AlertgateCore
import Foundation
import HTTPTypes
import HummingbirdCore
import Hummingbird

/// The console's pages as HTML, built from what the routes read. Pure: no store, no clock.
enum ConsoleViews {
    /// The most recent signals an incident's page reads (its picture and its lists).
    static let signalsShown = 300

    /// The actions an incident's page posts, each to `/ui/incidents/{id}/{action}`.
    enum Action: String, CaseIterable, Sendable {
        case acknowledge, resolve, close, reopen, note, update, edit

        /// The pipeline command it is; nil for `edit`, an `IncidentEdit` of the fields changed.
        var command: IncidentCommand.Action? {
            switch self {
            case .acknowledge: .acknowledge
            case .resolve: .resolve
            case .close: .close
            case .reopen: .reopen
            case .note: .note
            case .update: .update
            case .edit: nil
            }
        }

        var needsText: Bool { self == .note || self == .update }
    }

    // MARK: The incident list

    /// The list's filters, from the page's query; unknown values are refused with the choices.
    struct Filter {
        static let statusChoices = ["active", "open", "acknowledged", "resolved", "closed", "all"]
        static let sinceChoices: [(String, Int64?)] = [("1h", 3600), ("24h", 86400), ("7d", 7 * 86400), ("30d", 30 * 86400), ("all", nil)]
        static let limit = 200

        var status = "active"
        var severity: IncidentSeverity?
        var type: IncidentType?
        var service: String?
        var team: String?
        var since = "all"
        var query = IncidentQuery()
        /// The services of `team` in the catalog.
        var teamServices: Set<String> = []

        init(_ uri: URI, now: Timestamp, catalog: ServiceCatalog) throws {
            let parameters = uri.queryParameters
            func text(_ name: String) -> String? {
                let value = parameters.get(name)?.trimmingWhitespace ?? ""
                return value.isEmpty ? nil : value
            }
            if let value = text("status") {
                guard Self.statusChoices.contains(value) else { throw Self.refuse("status", Self.statusChoices) }
                status = value
            }
            if let value = text("severity") {
                guard let severity = IncidentSeverity(rawValue: value.uppercased()) else { throw Self.refuse("severity", IncidentSeverity.allCases.map(\.rawValue)) }
                self.severity = severity
            }
            if let value = text("type") {
                guard let type = IncidentType(rawValue: value) else { throw Self.refuse("type", IncidentType.allCases.map(\.rawValue)) }
                self.type = type
            }
            service = text("service")
            team = text("team")
            if let value = text("since") {
                guard Self.sinceChoices.contains(where: { $0.0 == value }) else { throw Self.refuse("since", Self.sinceChoices.map(\.0)) }
                since = value
            }
            switch status {
            case "active": query.statuses = [.open, .acknowledged]
            case "all": break
            default: query.statuses = [IncidentStatus(rawValue: status)!]
            }
            query.severities = severity.map { [$0] } ?? []
            query.types = type.map { [$0] } ?? []
            query.service = service
            if let seconds = Self.sinceChoices.first(where: { $0.0 == since })?.1 { query.since = now - .seconds(seconds) }
            query.limit = team == nil ? Self.limit : Self.limit * 10
            if let team { teamServices = Set(catalog.services.filter { $0.team == team }.map(\.name)) }
        }

        static func refuse(_ name: String, _ choices: [String]) -> APIError {
            APIError(.badRequest, code: "invalid_parameter", message: "`\(name)` must be one of \(choices.joined(separator: ", ")).", field: name)
        }

        /// What the list shows: the team's incidents when a team is asked for, open ones first,
        /// then by severity, newest first.
        func keep(_ incidents: [IncidentState]) -> [IncidentState] {
            var kept = incidents
            if let team { kept = kept.filter { $0.owner == team || teamServices.contains($0.service) || !teamServices.isDisjoint(with: $0.services) } }
            kept.sort { a, b in
                if a.status.code != b.status.code { return a.status.code < b.status.code }
                if a.severity.code != b.severity.code { return a.severity.code < b.severity.code }
                return a.openedAt > b.openedAt
            }
            return Array(kept.prefix(Self.limit))
        }
    }

    static func list(filter: Filter, incidents: [IncidentState], openBySeverity: [IncidentSeverity: Int], catalog: ServiceCatalog,
                     now: Timestamp, console: ConsoleRequest) -> String {
        var html = "<h1>Incidents</h1>\n<p class=\"counts\">Open: "
        html += IncidentSeverity.allCases.map { "<a class=\"sev sev-\($0.rawValue.lowercased())\" href=\"/ui?severity=\($0.rawValue)\">\($0.rawValue) \(openBySeverity[$0] ?? 0)</a>" }
            .joined(separator: " ")
        html += "</p>\n<form class=\"filters\" method=\"get\" action=\"/ui\">\n"
        html += select("status", "Status", Filter.statusChoices.map { ($0, $0) }, selected: filter.status)
        html += select("severity", "Severity", [("", "any")] + IncidentSeverity.allCases.map { ($0.rawValue, $0.rawValue) }, selected: filter.severity?.rawValue ?? "")
        html += select("type", "Type", [("", "any")] + IncidentType.allCases.map { ($0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " ")) },
                       selected: filter.type?.rawValue ?? "")
        html += "<label>Service <input name=\"service\" value=\"\(HTMLText.escape(filter.service ?? ""))\" list=\"services\"></label>\n"
        let teams = Set(catalog.services.compactMap(\.team)).sorted()
        html += select("team", "Team", [("", "any")] + teams.map { ($0, $0) }, selected: filter.team ?? "")
        html += select("since", "Opened", Filter.sinceChoices.map { ($0.0, $0.0 == "all" ? "any time" : "last " + $0.0) }, selected: filter.since)
        html += "<datalist id=\"services\">" + catalog.services.map { "<option value=\"\(HTMLText.escape($0.name))\">" }.joined() + "</datalist>\n"
        html += "<button type=\"submit\">Show</button></form>\n"
        html += "<p class=\"quiet\">\(incidents.count) incident\(incidents.count == 1 ? "" : "s") shown · refreshes every 30 s · \(ConsolePage.time(now))</p>\n"
        guard !incidents.isEmpty else { return ConsolePage.render(title: "Incidents", body: html + "<p>No incidents match.</p>\n", console: console, refreshSeconds: 30) }
        html += "<table class=\"incidents\"><thead><tr><th>Severity</th><th>Incident</th><th>Status</th><th>Type</th><th>Service</th><th>Owner</th><th>Opened</th><th>Signals</th></tr></thead><tbody>\n"
        for incident in incidents {
            html += "<tr class=\"status-\(incident.status.rawValue)\"><td><span class=\"sev sev-\(incident.severity.rawValue.lowercased())\">\(incident.severity.rawValue)</span></td>"
                + "<td><a href=\"/ui/incidents/\(incident.id)\">#\(incident.id) \(HTMLText.escape(incident.title))</a></td>"
                + "<td>\(incident.status.rawValue)</td><td>\(HTMLText.escape(incident.type.rawValue.replacingOccurrences(of: "_", with: " ")))</td>"
                + "<td>\(HTMLText.escape(incident.service))</td><td>\(HTMLText.escape(incident.owner ?? "–"))</td>"
                + "<td>\(ConsolePage.time(incident.openedAt))</td><td>\(incident.signalCount)</td></tr>\n"
        }
        html += "</tbody></table>\n"
        return ConsolePage.render(title: "Incidents", body: html, console: console, refreshSeconds: 30)
    }

    static func select(_ name: String, _ label: String, _ options: [(String, String)], selected: String) -> String {
        var html = "<label>\(HTMLText.escape(label)) <select name=\"\(name)\">"
        for (value, text) in options {
            html += "<option value=\"\(HTMLText.escape(value))\"\(value == selected ? " selected" : "")>\(HTMLText.escape(text))</option>"
        }
        return html + "</select></label>\n"
    }

    // MARK: Signing in, raw payloads

    static func login(next: String, message: String?, csrf: String) -> String {
        var html = "<h1>Sign in</h1>\n"
        if let message { html += "<p class=\"error\">\(HTMLText.escape(message))</p>\n" }
        html += """
            <form class="stack" method="post" action="/ui/login">
            <input type="hidden" name="next" value="\(HTMLText.escape(next))">
            <input type="hidden" name="login_csrf" value="\(HTMLText.escape(csrf))">
            <label>Token <input type="password" name="token" required autocomplete="current-password"></label>
            <button type="submit">Sign in</button>
            </form>
            <p class="quiet">A token from <code>alertgate token create</code> with the read scope; the write scope lets you act on incidents.</p>

            """
        return ConsolePage.render(title: "Sign in", body: html, console: nil)
    }

    static func raw(signal: StoredSignal, payload: RawPayload, console: ConsoleRequest) -> String {
        var html = "<h1>Signal \(signal.id): raw payload</h1>\n"
        html += "<p>\(HTMLText.escape(payload.source.rawValue)) · <code>\(HTMLText.escape(payload.contentType))</code> · \(payload.bytes.count) bytes · received \(ConsolePage.time(payload.receivedAt))"
        if let incidentID = signal.incidentID { html += " · <a href=\"/ui/incidents/\(incidentID)\">incident #\(incidentID)</a>" }
        html += " · byte for byte from the API: <code>GET /api/v1/signals/\(signal.id)/raw</code></p>\n"
        html += "<pre class=\"payload\">\(HTMLText.escape(pretty(payload.bytes)))</pre>\n"
        return ConsolePage.render(title: "Signal \(signal.id)", body: html, console: console)
    }

    /// JSON indented; any other text as it is; bytes that are not UTF-8 replaced.
    static func pretty(_ bytes: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
           let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
            return String(decoding: data, as: UTF8.self)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ConsoleViews {
    /// The console's stylesheet, `GET /ui.css`: readable at a phone's width, light or dark.
    static let css = """
        :root { color-scheme: light dark; --line: #8884; --accent: #3b6fd8; --sev1: #d64545; --sev2: #e0712c; --sev3: #c9a227; --sev4: #6b8e9f; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0; }
        header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
        header.top .brand { font-weight: 700; text-decoration: none; color: inherit; }
        header.top nav { display: flex; flex-wrap: wrap; gap: 1rem; }
        header.top form.signout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
        main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
        h1 { font-size: 1.35rem; margin: .2rem 0 1rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.05rem; margin: 1.6rem 0 .5rem; }
        a { color: var(--accent); }
        table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
        .sev { display: inline-block; padding: 0 .4rem; border-radius: .3rem; color: #fff; font-weight: 600; font-size: .85em; text-decoration: none; }
        .sev-sev1 { background: var(--sev1); } .sev-sev2 { background: var(--sev2); } .sev-sev3 { background: var(--sev3); } .sev-sev4 { background: var(--sev4); }
        tr.status-resolved, tr.status-closed { opacity: .65; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0; }
        form.filters label, form.inline label { display: inline-grid; gap: .1rem; font-size: .85rem; }
        form.stack { display: grid; gap: .4rem; max-width: 40rem; margin: .6rem 0; }
        form.stack label { display: grid; gap: .2rem; }
        form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .6rem 0; }
        input, select, textarea, button { font: inherit; padding: .3rem .5rem; }
        .buttons { display: flex; flex-wrap: wrap; gap: .5rem; }
        .buttons form { margin: 0; }
        dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .5rem 1rem; margin: 0; }
        dl.facts dt { font-size: .8rem; opacity: .7; }
        dl.facts dd { margin: 0; font-weight: 600; }
        svg.timeline, svg.chart { width: 100%; height: auto; display: block; font-size: 11px; }
        svg .row-label, svg .axis, svg .marker-label, svg .value { fill: currentColor; }
        svg .row-line { stroke: var(--line); }
        svg .marker { stroke: #888; stroke-dasharray: 3 3; }
        svg .marker-opened { stroke: var(--sev1); } svg .marker-acknowledged { stroke: var(--sev3); } svg .marker-resolved { stroke: #2f9e44; } svg .marker-escalated { stroke: var(--sev2); }
        svg .dot { fill: var(--accent); } svg .kind-trace { fill: #8e44ad; } svg .kind-report { fill: var(--sev2); } svg .kind-log { fill: #6b8e9f; }
        svg .change { fill: #888; } svg .change.rollback { fill: var(--sev1); stroke: #000; }
        svg .bar { fill: var(--accent); }
        ul.signals, ol.lines, ul.labels { padding-left: 1.1rem; }
        ol.lines li { margin: .3rem 0; } ol.lines p { margin: .1rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        li.public { border-left: 3px solid var(--accent); padding-left: .4rem; list-style: none; }
        li.rollback { font-weight: 600; }
        .tag { font-size: .75rem; border: 1px solid var(--line); border-radius: .3rem; padding: 0 .3rem; }
        pre.payload { white-space: pre-wrap; overflow-wrap: anywhere; background: #8881; padding: .8rem; border-radius: .3rem; }
        .quiet { opacity: .7; font-size: .9rem; } .error { color: var(--sev1); font-weight: 600; }
        @media (max-width: 40rem) { th:nth-child(n+5), td:nth-child(n+5) { display: none; } }

        """
}
