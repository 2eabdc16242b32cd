import AlertgateCore

/// The console's silences, service catalog and stats pages.
extension ConsoleViews {
    static func silences(_ silences: [Silence], draft: [LabelMatcher], now: Timestamp, console: ConsoleRequest) -> String {
        var html = "<h1>Silences</h1>\n"
        if console.may(.write) {
            html += """
                <form class="stack" method="post" action="/ui/silences">\(ConsolePage.csrfInput(console))
                <label>Matchers, one per line (<code>name="value"</code>, <code>name=~"regex"</code>, <code>!=</code>, <code>!~</code>)
                <textarea name="matchers" rows="\(max(draft.count, 3))" required>\(HTMLText.escape(draft.map(\.description).joined(separator: "\n")))</textarea></label>
                <label>For <input name="duration" value="2h" size="6"></label>
                <label>Comment <input name="comment"></label>
                <button type="submit">Create silence</button>
                </form>

                """
        }
        let byState = Dictionary(grouping: silences) { $0.state(at: now) }
        for state in [Silence.State.active, .pending, .expired] {
            let shown = (byState[state] ?? []).prefix(state == .expired ? 20 : 500)
            html += "<section><h2>\(state.rawValue.capitalized)</h2>\n"
            guard !shown.isEmpty else {
                html += "<p class=\"quiet\">None.</p></section>\n"
                continue
            }
            html += "<table><thead><tr><th>Matchers</th><th>Starts</th><th>Ends</th><th>By</th><th>Comment</th><th></th></tr></thead><tbody>\n"
            for silence in shown {
                html += "<tr><td>" + silence.matchers.map { "<code>\(HTMLText.escape($0.description))</code>" }.joined(separator: " ") + "</td>"
                    + "<td>\(ConsolePage.time(silence.startsAt))</td><td>\(ConsolePage.time(silence.endsAt))</td>"
                    + "<td>\(HTMLText.escape(silence.createdBy))</td><td>\(HTMLText.escape(silence.comment))</td><td>"
                if state != .expired, console.may(.write), silence.configKey == nil {
                    html += "<form method=\"post\" action=\"/ui/silences/\(silence.id)/expire\">\(ConsolePage.csrfInput(console))<button type=\"submit\">Expire</button></form>"
                } else if silence.configKey != nil {
                    html += "<span class=\"quiet\">from the config</span>"
                }
                html += "</td></tr>\n"
            }
            html += "</tbody></table></section>\n"
        }
        return ConsolePage.render(title: "Silences", body: html, console: console)
    }

    static func services(_ catalog: ServiceCatalog, incidents: [IncidentState], components: [String: ComponentStateView],
                         console: ConsoleRequest) -> String {
        var html = "<h1>Services</h1>\n"
        guard !catalog.services.isEmpty else {
            return ConsolePage.render(title: "Services", body: html + "<p class=\"quiet\">The config has no service catalog (<code>catalog.services</code>).</p>\n", console: console)
        }
        html += "<table><thead><tr><th>Service</th><th>Team</th><th>Tier</th><th>On call</th><th>Depends on</th><th>Public as</th><th>Open</th><th>Last 30 days</th></tr></thead><tbody>\n"
        for service in catalog.services.sorted(by: { $0.name < $1.name }) {
            let own = incidents.filter { $0.service == service.name || $0.services.contains(service.name) }
            let open = own.filter { $0.status == .open || $0.status == .acknowledged }
            var name = HTMLText.escape(service.name)
            if let runbook = service.runbook, runbook.hasPrefix("https://") || runbook.hasPrefix("http://") {
                name += " <a href=\"\(HTMLText.escape(runbook))\" rel=\"noreferrer\">runbook</a>"
            }
            html += "<tr><td>\(name)</td><td>\(HTMLText.escape(service.team ?? "–"))</td><td>\(service.tier.map(String.init) ?? "–")</td>"
                + "<td>\(HTMLText.escape(service.oncall ?? "–"))</td><td>\(HTMLText.escape(service.dependsOn.joined(separator: ", ")))</td>"
                + "<td>\(publicCell(service, components[service.name], console: console))</td>"
                + "<td>" + open.map { "<a href=\"/ui/incidents/\($0.id)\">#\($0.id)</a>" }.joined(separator: " ") + "</td>"
                + "<td><a href=\"/ui?status=all&amp;since=30d&amp;service=\(FormFields.encode(service.name))\">\(own.count)</a></td></tr>\n"
        }
        html += "</tbody></table>\n"
        return ConsolePage.render(title: "Services", body: html, console: console)
    }

    /// A public component's name, page and state on the status page, and (with `write`) a form
    /// to set the state by hand or give it back to its incidents.
    static func publicCell(_ service: ServiceCatalog.Service, _ component: ComponentStateView?, console: ConsoleRequest) -> String {
        guard let publicName = service.publicName, let component else { return "–" }
        var html = HTMLText.escape(publicName) + (service.publicPage.map { " <span class=\"tag\">/status/\(HTMLText.escape($0))</span>" } ?? "")
        html += "<br>" + HTMLText.escape(StatusPageHTML.label(component.state)) + (component.set != nil ? " (set by hand)" : "")
        guard console.may(.write) else { return html }
        html += "<form class=\"inline\" method=\"post\" action=\"/ui/services/\(FormFields.encode(service.name))/state\">\(ConsolePage.csrfInput(console))"
        let current = component.set.map(\.state) ?? "automatic"
        html += select("state", "Set", [("automatic", "from incidents")] + StatusSummary.ComponentState.allCases.map { ($0.rawValue, StatusPageHTML.label($0)) },
                       selected: current)
        return html + "<button type=\"submit\">Set</button></form>"
    }

    /// MTTA and MTTR by service, and who detected incidents first, as bar charts (SVG).
    static func stats(_ stats: IncidentStats, incidents: [IncidentState], days: Int, console: ConsoleRequest) -> String {
        var html = "<h1>Stats, last \(days) days</h1>\n<p>"
        html += [7, 30, 90].map { "<a href=\"/ui/stats?days=\($0)\">\($0) days</a>" }.joined(separator: " · ") + "</p>\n"
        let total = stats.total
        html += "<dl class=\"facts\"><div><dt>Incidents</dt><dd>\(total.incidents)</dd></div>"
            + "<div><dt>MTTA</dt><dd>\(total.timeToAcknowledge.meanSeconds.map { ConsolePage.span(milliseconds: $0 * 1000) } ?? "–")</dd></div>"
            + "<div><dt>MTTR</dt><dd>\(total.timeToResolve.meanSeconds.map { ConsolePage.span(milliseconds: $0 * 1000) } ?? "–")</dd></div></dl>\n"
        let groups = stats.services.sorted { $0.incidents > $1.incidents }.prefix(15)
        html += "<section><h2>Mean time to acknowledge, by service</h2>\n"
        html += bars(groups.map { ($0.name, Double($0.timeToAcknowledge.meanSeconds ?? 0), $0.timeToAcknowledge.meanSeconds.map { ConsolePage.span(milliseconds: $0 * 1000) } ?? "–") })
        html += "</section>\n<section><h2>Mean time to resolve, by service</h2>\n"
        html += bars(groups.map { ($0.name, Double($0.timeToResolve.meanSeconds ?? 0), $0.timeToResolve.meanSeconds.map { ConsolePage.span(milliseconds: $0 * 1000) } ?? "–") })
        html += "</section>\n<section><h2>Detected first by</h2>\n"
        html += bars(DetectedBy.allCases.map { source in
            let count = incidents.filter { $0.detectedBy == source }.count
            return (source.rawValue.replacingOccurrences(of: "_", with: " "), Double(count), String(count))
        })
        html += "</section>\n"
        return ConsolePage.render(title: "Stats", body: html, console: console)
    }

    /// A horizontal bar chart: a row per (label, value, shown text), bars scaled to the largest.
    static func bars(_ rows: [(String, Double, String)]) -> String {
        guard !rows.isEmpty else { return "<p class=\"quiet\">No incidents in this period.</p>\n" }
        let largest = max(rows.map(\.1).max() ?? 0, 1)
        let rowHeight = 22, labelWidth = 180, width = 640
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(rows.count * rowHeight + 4)\" role=\"img\">\n"
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight + 2
            let length = Int((row.1 / largest * Double(width - labelWidth - 90)).rounded())
            svg += "<text class=\"row-label\" x=\"4\" y=\"\(y + 15)\">\(HTMLText.escape(IncidentTimelinePicture.clip(row.0, 24)))</text>"
                + "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\"><title>\(HTMLText.escape(row.0 + ": " + row.2))</title></rect>"
                + "<text class=\"value\" x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\">\(HTMLText.escape(row.2))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
