import AlertgateCore

/// The public status page, `GET /status`: server-rendered HTML without script, readable at a
/// phone's width, its stylesheet at `/status.css` (the page's Content-Security-Policy allows
/// nothing else). Every text on it passes through `HTMLText.escape`.
enum StatusPageHTML {
    /// The page's Content-Security-Policy: no script at all, styles and images from itself only.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// The page at `path` (`/status` or a named page's `/status/{page}`), its JSON and feed beside it.
    static func render(summary: StatusSummary, history: [String: [StatusHistory.Day]], resolved: [StatusSummary.Incident],
                       path: String = "/status") -> String {
        // The incidents the page shows, by id: a day's tooltip names them.
        let names = Dictionary((summary.incidents + resolved).map { ($0.id, $0.name) }) { first, _ in first }
        var html = HTMLText.documentStart(title: summary.page.name, stylesheet: "/status.css", extraHead: """
            <link rel="alternate" type="application/json" href="\(HTMLText.escape(path)).json">
            <link rel="alternate" type="application/atom+xml" title="Updates" href="\(HTMLText.escape(path)).atom">

            """)
        html += """
            <header><h1>\(HTMLText.escape(summary.page.name))</h1></header>
            <main>
            <p class="banner state-\(summary.indicator.rawValue)">\(HTMLText.escape(summary.indicator.pageStatus.description))</p>

            """
        if !summary.incidents.isEmpty {
            html += "<section aria-labelledby=\"active\"><h2 id=\"active\">Active incidents</h2>\n"
            for incident in summary.incidents { html += incidentHTML(incident) }
            html += "</section>\n"
        }
        html += "<section aria-labelledby=\"components\"><h2 id=\"components\">Components</h2>\n<ul class=\"components\">\n"
        for component in summary.components where component.groupID == nil {
            if let members = component.members {
                html += "<li class=\"group\"><div class=\"row\"><span class=\"name\">\(HTMLText.escape(component.name))</span>\(stateHTML(component.status))</div>\n<ul>\n"
                for id in members {
                    if let member = summary.components.first(where: { $0.id == id }) { html += componentHTML(member, history[member.id] ?? [], names: names) }
                }
                html += "</ul></li>\n"
            } else {
                html += componentHTML(component, history[component.id] ?? [], names: names)
            }
        }
        html += "</ul>\n</section>\n"
        html += reportFormHTML(summary.components.filter { $0.members == nil })
        html += maintenanceHTML(summary.maintenances)
        html += "<section aria-labelledby=\"past\"><h2 id=\"past\">Past incidents</h2>\n"
        if resolved.isEmpty { html += "<p class=\"quiet\">No incidents reported recently.</p>\n" }
        for incident in resolved { html += incidentHTML(incident) }
        html += """
            </section>
            </main>
            <footer><a href="\(HTMLText.escape(path)).atom">Updates (Atom)</a> · <a href="\(HTMLText.escape(path)).json">JSON</a> · updated \(HTMLText.escape(summary.page.updatedAt.rfc3339))</footer>
            </body>
            </html>

            """
        return html
    }

    static func stateHTML(_ state: StatusSummary.ComponentState) -> String {
        "<span class=\"state state-\(state.rawValue)\">\(HTMLText.escape(label(state)))</span>"
    }

    static func label(_ state: StatusSummary.ComponentState) -> String {
        switch state {
        case .operational: "Operational"
        case .underMaintenance: "Under maintenance"
        case .degradedPerformance: "Degraded performance"
        case .partialOutage: "Partial outage"
        case .majorOutage: "Major outage"
        }
    }

    static func maintenanceHTML(_ maintenances: [StatusSummary.Maintenance]) -> String {
        var html = "<section aria-labelledby=\"maintenance\"><h2 id=\"maintenance\">Scheduled maintenance</h2>\n"
        guard !maintenances.isEmpty else { return html + "<p class=\"quiet\">None scheduled.</p></section>\n" }
        html += "<ul class=\"maintenance\">\n"
        for maintenance in maintenances {
            let from = maintenance.scheduledFor.rfc3339, until = maintenance.scheduledUntil.rfc3339
            html += "<li><strong>\(HTMLText.escape(maintenance.name))</strong>\(maintenance.status == "in_progress" ? " <span class=\"state state-under_maintenance\">In progress</span>" : "")<br>"
                + "<time datetime=\"\(HTMLText.escape(from))\">\(HTMLText.escape(from))</time> – <time datetime=\"\(HTMLText.escape(until))\">\(HTMLText.escape(until))</time></li>\n"
        }
        return html + "</ul></section>\n"
    }

    static func incidentHTML(_ incident: StatusSummary.Incident) -> String {
        var html = "<article id=\"incident-\(incident.id)\" class=\"incident impact-\(HTMLText.escape(incident.impact))\"><h3>\(HTMLText.escape(incident.name))</h3>\n<ol class=\"updates\">\n"
        for update in incident.updates {
            let at = update.at.rfc3339
            html += "<li><strong>\(HTMLText.escape(update.status.capitalized))</strong> <p>\(HTMLText.escape(update.body))</p>"
                + "<time datetime=\"\(HTMLText.escape(at))\">\(HTMLText.escape(at))</time></li>\n"
        }
        return html + "</ol></article>\n"
    }

    /// A component's row: its name, state and a bar of its days (SVG, a `title` per day as its
    /// tooltip: the minutes in each state and the day's incidents that the page shows, by `names`).
    static func componentHTML(_ component: StatusSummary.Component, _ days: [StatusHistory.Day], names: [Int64: String] = [:]) -> String {
        var html = "<li class=\"component\"><div class=\"row\"><span class=\"name\">\(HTMLText.escape(component.name))</span>\(stateHTML(component.status))</div>\n"
        guard !days.isEmpty else { return html + "</li>\n" }
        let width = days.count * 4
        html += "<svg class=\"bar\" viewBox=\"0 0 \(width) 24\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(HTMLText.escape(component.name)): the last \(days.count) days\">\n"
        for (index, day) in days.enumerated() {
            var tip = String(day.start.rfc3339.prefix(10))
            tip += day.minutes.isEmpty ? ": no incidents" : ": " + day.minutes.sorted { $0.key > $1.key }
                .map { "\(label($0.key).lowercased()) \($0.value) min" }.joined(separator: ", ")
            let named = day.incidents.compactMap { names[$0] }
            if !named.isEmpty { tip += "\n" + named.joined(separator: "\n") }
            html += "<rect x=\"\(index * 4)\" y=\"0\" width=\"3\" height=\"24\" class=\"day state-\(day.worst.rawValue)\"><title>\(HTMLText.escape(tip))</title></rect>\n"
        }
        let uptime = days.map(\.uptime).reduce(0, +) / Double(days.count) * 100
        let shown = (uptime * 100).rounded(.down) / 100
        html += "</svg>\n<div class=\"legend\"><span>\(days.count) days ago</span><span>\(shown) % uptime</span><span>Today</span></div>\n"
        return html + "</li>\n"
    }

    /// The "Report a problem" form (`StatusReportForm`, posted to `/status/report`). Its
    /// `website` field is the honeypot: out of sight and out of the tab order.
    static func reportFormHTML(_ components: [StatusSummary.Component]) -> String {
        var html = """
            <section aria-labelledby="report"><h2 id="report">Report a problem</h2>
            <form class="report" method="post" action="/status/report">
            <label>Component <select name="\(StatusReportForm.componentField)"><option value="">Not sure</option>

            """
        for component in components {
            html += "<option value=\"\(HTMLText.escape(component.id))\">\(HTMLText.escape(component.name))</option>\n"
        }
        html += """
            </select></label>
            <label>What happened <textarea name="\(StatusReportForm.textField)" required maxlength="\(StatusReportForm.maxTextCharacters)" rows="4"></textarea></label>
            <label>Contact (optional, never shown) <input name="\(StatusReportForm.contactField)" maxlength="\(StatusReportForm.maxContactCharacters)" autocomplete="email"></label>
            <label class="hp" aria-hidden="true">Website <input name="\(StatusReportForm.honeypotField)" tabindex="-1" autocomplete="off"></label>
            <button type="submit">Send report</button>
            </form>
            </section>

            """
        return html
    }

    static let css = """
        :root { color-scheme: light dark; --ok: #2f9e44; --minor: #f2c94c; --major: #f2994a; --critical: #d64545; --line: #8884; }
        body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 46rem; padding: 1rem; }
        h1 { font-size: 1.5rem; margin: 0 0 1rem; }
        h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
        h3 { font-size: 1rem; margin: 0 0 .5rem; }
        p.banner { padding: .75rem 1rem; border-radius: .4rem; color: #fff; font-weight: 600; background: var(--ok); }
        .banner.state-degraded_performance { background: #b8860b; }
        .banner.state-partial_outage { background: #c05621; }
        .banner.state-major_outage { background: var(--critical); }
        ul.components, ul.components ul { list-style: none; padding: 0; margin: 0; }
        ul.components ul { padding-left: 1rem; }
        li.component, li.group { border-bottom: 1px solid var(--line); padding: .6rem 0; }
        .row { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
        .name { font-weight: 600; }
        .state-operational { color: var(--ok); }
        .state-under_maintenance { color: #3b6fd8; }
        .banner.state-under_maintenance { background: #3b6fd8; }
        rect.day.state-under_maintenance { fill: #3b6fd8; }
        ul.maintenance { padding-left: 1.1rem; }
        .state-degraded_performance { color: #b8860b; }
        .state-partial_outage { color: #c05621; }
        .state-major_outage { color: var(--critical); }
        svg.bar { display: block; width: 100%; height: 2rem; margin-top: .4rem; }
        rect.day { fill: var(--ok); }
        rect.day.state-degraded_performance { fill: var(--minor); }
        rect.day.state-partial_outage { fill: var(--major); }
        rect.day.state-major_outage { fill: var(--critical); }
        .legend { display: flex; justify-content: space-between; font-size: .8rem; opacity: .7; }
        .incident { border-left: 4px solid var(--major); padding: .25rem 0 .25rem 1rem; margin: 1rem 0; }
        .incident.impact-critical { border-color: var(--critical); }
        .incident.impact-minor, .incident.impact-none { border-color: var(--minor); }
        ol.updates { list-style: none; padding: 0; margin: 0; }
        ol.updates li { margin: 0 0 .75rem; }
        ol.updates p { margin: .1rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        time, .quiet, footer { font-size: .85rem; opacity: .7; }
        footer { margin-top: 2rem; }
        form.report { display: grid; gap: .6rem; }
        form.report label { display: grid; gap: .2rem; }
        form.report textarea, form.report input, form.report select { font: inherit; padding: .4rem; }
        form.report button { justify-self: start; font: inherit; padding: .4rem 1rem; }
        .hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }

        """
}
