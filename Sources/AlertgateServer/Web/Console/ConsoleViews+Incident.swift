import AlertgateCore

/// An incident's page: its header and times, its picture, the actions the identity may take,
/// its alerts, traces, user reports, suspect changes, timeline and notifications.
extension ConsoleViews {
    static func incident(_ incident: IncidentState, alerts: [AlertState], timeline: [StoredTimelineEntry], signals: [StoredSignal],
                         suspects: [SuspectChanges.Suspect], notifications: [StoredNotification], now: Timestamp,
                         console: ConsoleRequest) -> String {
        let id = incident.id
        var html = "<p><a href=\"/ui\">← Incidents</a></p>\n"
        html += "<h1><span class=\"sev sev-\(incident.severity.rawValue.lowercased())\">\(incident.severity.rawValue)</span> #\(id) \(HTMLText.escape(incident.title))</h1>\n"
        html += "<dl class=\"facts\">"
        let facts: [(String, String)] = [
            ("Status", HTMLText.escape(incident.status.rawValue)),
            ("Type", HTMLText.escape(incident.type.rawValue.replacingOccurrences(of: "_", with: " "))),
            ("Owner", HTMLText.escape(incident.owner ?? "–")),
            ("On call", HTMLText.escape(incident.oncall ?? "–")),
            ("Services", HTMLText.escape(incident.services.joined(separator: ", "))),
            ("Detected by", HTMLText.escape(incident.detectedBy.rawValue.replacingOccurrences(of: "_", with: " "))),
            ("Opened", ConsolePage.time(incident.openedAt)),
            ("Time to acknowledge", incident.acknowledgedAt.map { ConsolePage.span(milliseconds: $0.milliseconds - incident.openedAt.milliseconds) } ?? "not yet"),
            ("Time to resolve", incident.resolvedAt.map { ConsolePage.span(milliseconds: $0.milliseconds - incident.openedAt.milliseconds) }
                ?? "open for " + ConsolePage.span(milliseconds: now.milliseconds - incident.openedAt.milliseconds)),
            ("Signals", "\(incident.signalCount) in \(incident.alertCount) alert\(incident.alertCount == 1 ? "" : "s"), \(incident.reportCount) user report\(incident.reportCount == 1 ? "" : "s")"),
        ]
        html += facts.map { "<div><dt>\($0.0)</dt><dd>\($0.1)</dd></div>" }.joined() + "</dl>\n"
        html += "<section><h2>Timeline</h2>\n"
        html += IncidentTimelinePicture(incident: incident, signals: signals, lines: timeline, suspects: suspects, now: now).svg
        html += "</section>\n"
        if console.may(.write) { html += actions(incident, console: console) }
        html += alertsSection(alerts, console: console)
        html += signalSection("Traces", signals.filter { $0.kind == .trace }, detail: \.service)
        html += signalSection("User reports", signals.filter { $0.kind == .report }, detail: \.source.rawValue)
        if !suspects.isEmpty {
            html += "<section><h2>Suspect changes</h2>\n<ul class=\"signals\">"
            for suspect in suspects {
                html += "<li class=\"\(suspect.rollbackCandidate ? "rollback" : "")\">\(ConsolePage.time(suspect.change.at)) <strong>\(HTMLText.escape(suspect.change.title))</strong> · \(HTMLText.escape(suspect.change.service)) · \(suspect.minutesBefore) min before"
                    + (suspect.rollbackCandidate ? " · <strong>rollback candidate</strong>" : "") + (suspect.possibleFix ? " · possible fix" : "")
                    + " · <span class=\"quiet\">\(HTMLText.escape(suspect.why))</span> · <a href=\"/ui/signals/\(suspect.change.signalID)/raw\">raw</a></li>\n"
            }
            html += "</ul></section>\n"
        }
        html += "<section><h2>Notes, updates and events</h2>\n<ol class=\"lines\">"
        for line in timeline.reversed() {
            let entry = line.entry
            html += "<li class=\"line-\(entry.kind.rawValue)\(entry.isPublic ? " public" : "")\">\(ConsolePage.time(entry.at)) <strong>\(HTMLText.escape(entry.kind.rawValue.replacingOccurrences(of: "_", with: " ")))</strong>"
            if entry.isPublic { html += " <span class=\"tag\">public</span>" }
            if let by = entry.by { html += " by \(HTMLText.escape(by))" }
            if let text = entry.text, !text.isEmpty { html += "<p>\(HTMLText.escape(text))</p>" }
            html += "</li>\n"
        }
        html += "</ol></section>\n"
        html += "<section><h2>Notifications</h2>\n"
        if notifications.isEmpty {
            html += "<p class=\"quiet\">None sent.</p>\n"
        } else {
            html += "<table><thead><tr><th>Receiver</th><th>Transition</th><th>Status</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>\n"
            for notification in notifications {
                html += "<tr><td>\(HTMLText.escape(notification.receiver))</td><td>\(HTMLText.escape(notification.kind.rawValue))</td>"
                    + "<td>\(HTMLText.escape(notification.status.rawValue))</td><td>\(notification.attempts)</td><td>\(HTMLText.escape(notification.lastError ?? ""))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        html += "</section>\n"
        html += "<section><h2>Signals</h2>\n<table><thead><tr><th>At</th><th>Kind</th><th>Source</th><th>Service</th><th>Title</th><th>Decision</th><th></th></tr></thead><tbody>\n"
        for signal in signals.prefix(100) {
            html += "<tr><td>\(ConsolePage.time(signal.at))</td><td>\(signal.kind.rawValue)</td><td>\(HTMLText.escape(signal.source.rawValue))</td>"
                + "<td>\(HTMLText.escape(signal.service))</td><td>\(HTMLText.escape(signal.title))</td><td>\(HTMLText.escape(signal.decision.rawValue))</td>"
                + "<td><a href=\"/ui/signals/\(signal.id)/raw\">raw</a></td></tr>\n"
        }
        html += "</tbody></table></section>\n"
        return ConsolePage.render(title: "#\(id) \(incident.title)", body: html, console: console)
    }

    /// A list of signals of one kind (the newest 50), each with `detail` and a link to its raw payload.
    static func signalSection(_ title: String, _ signals: [StoredSignal], detail: KeyPath<StoredSignal, String>) -> String {
        guard !signals.isEmpty else { return "" }
        var html = "<section><h2>\(title)</h2>\n<ul class=\"signals\">"
        for signal in signals.prefix(50) {
            html += "<li>\(ConsolePage.time(signal.at)) <strong>\(HTMLText.escape(signal.title))</strong> · \(HTMLText.escape(signal[keyPath: detail]))"
                + " · <a href=\"/ui/signals/\(signal.id)/raw\">raw</a></li>\n"
        }
        return html + "</ul></section>\n"
    }

    /// The forms of the actions: status buttons for the incident's state, a note, a public
    /// update, and severity, type and owner.
    static func actions(_ incident: IncidentState, console: ConsoleRequest) -> String {
        let base = "/ui/incidents/\(incident.id)/"
        let csrf = ConsolePage.csrfInput(console)
        var buttons: [Action] = []
        switch incident.status {
        case .open: buttons = [.acknowledge, .resolve]
        case .acknowledged: buttons = [.resolve]
        case .resolved: buttons = [.close, .reopen]
        case .closed: buttons = [.reopen]
        }
        var html = "<section class=\"actions\"><h2>Act</h2>\n<div class=\"buttons\">"
        for action in buttons {
            html += "<form method=\"post\" action=\"\(base)\(action.rawValue)\">\(csrf)<button type=\"submit\" class=\"\(action.rawValue)\">\(action.rawValue.capitalized)</button></form>"
        }
        html += "</div>\n"
        html += """
            <form class="stack" method="post" action="\(base)note">\(csrf)<label>Note (engineers only) <textarea name="text" rows="2" required></textarea></label><button type="submit">Add note</button></form>
            <form class="stack" method="post" action="\(base)update">\(csrf)<label>Public update (shown on the status page) <textarea name="text" rows="2" required></textarea></label><button type="submit">Post public update</button></form>
            <form class="inline" method="post" action="\(base)edit">\(csrf)<input type="hidden" name="was_severity" value="\(incident.severity.rawValue)"><input type="hidden" name="was_type" value="\(incident.type.rawValue)"><input type="hidden" name="was_owner" value="\(HTMLText.escape(incident.owner ?? ""))">

            """
        html += select("severity", "Severity", IncidentSeverity.allCases.map { ($0.rawValue, $0.rawValue) }, selected: incident.severity.rawValue)
        html += select("type", "Type", IncidentType.allCases.map { ($0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " ")) }, selected: incident.type.rawValue)
        html += "<label>Owner <input name=\"owner\" value=\"\(HTMLText.escape(incident.owner ?? ""))\"></label> <button type=\"submit\">Change</button></form>\n</section>\n"
        return html
    }

    /// The most arrivals an alert's page shows.
    static let historyShown = 200

    static func alert(_ alert: AlertState, history: AlertHistory, console: ConsoleRequest) -> String {
        var html = "<p><a href=\"/ui/incidents/\(alert.incidentID)\">← Incident #\(alert.incidentID)</a></p>\n"
        html += "<h1>\(HTMLText.escape(alert.title))</h1>\n<dl class=\"facts\">"
        let facts: [(String, String)] = [
            ("Status", alert.status.rawValue + (alert.flapping ? " (flapping)" : "")), ("Service", HTMLText.escape(alert.service)),
            ("Arrivals", String(alert.count)), ("First seen", ConsolePage.time(alert.firstSeen)), ("Last seen", ConsolePage.time(alert.lastSeen)),
            ("Resolved", alert.resolvedAt.map(ConsolePage.time) ?? "–"),
        ]
        html += facts.map { "<div><dt>\($0.0)</dt><dd>\($0.1)</dd></div>" }.joined() + "</dl>\n"
        if console.may(.write) { html += "<p><a href=\"/ui/silences?alert=\(alert.id)\">Silence this alert…</a></p>\n" }
        html += "<section><h2>Labels</h2>\n<ul class=\"labels\">"
            + alert.labels.sorted { $0.key < $1.key }.map { "<li><code>\(HTMLText.escape($0.key))=\(HTMLText.escape($0.value))</code></li>" }.joined()
            + "</ul></section>\n"
        html += "<section><h2>History</h2>\n<p class=\"quiet\">Newest first: every stored signal, and each run of repeats that changed nothing but times, folded into a count.</p>\n<ol class=\"lines\">"
        for entry in history.entries {
            switch entry {
            case .signal(let signal):
                html += "<li>\(ConsolePage.time(signal.receivedAt)) <strong>\(HTMLText.escape(signal.status.rawValue))</strong> \(HTMLText.escape(signal.title))"
                    + " · \(HTMLText.escape(signal.decision.rawValue)) · <a href=\"/ui/signals/\(signal.id)/raw\">raw</a></li>\n"
            case .repeats(let run):
                html += "<li>\(ConsolePage.time(run.startedAt)) – \(ConsolePage.time(run.lastAt)) <strong>\(run.count) repeat\(run.count == 1 ? "" : "s")</strong></li>\n"
            }
        }
        html += "</ol></section>\n"
        return ConsolePage.render(title: alert.title, body: html, console: console)
    }

    static func alertsSection(_ alerts: [AlertState], console: ConsoleRequest) -> String {
        var html = "<section><h2>Alerts</h2>\n<table><thead><tr><th>Alert</th><th>Status</th><th>Repeats</th><th>First seen</th><th>Last seen</th><th>Labels</th><th></th></tr></thead><tbody>\n"
        for alert in alerts {
            let labels = alert.labels.sorted { $0.key < $1.key }
            html += "<tr><td><a href=\"/ui/alerts/\(alert.id)\">\(HTMLText.escape(alert.title))</a>\(alert.flapping ? " <span class=\"tag\">flapping</span>" : "")</td><td>\(alert.status.rawValue)</td><td>\(alert.count)</td>"
                + "<td>\(ConsolePage.time(alert.firstSeen))</td><td>\(ConsolePage.time(alert.lastSeen))</td>"
                + "<td><details><summary>\(labels.count) labels</summary><ul class=\"labels\">"
                + labels.map { "<li><code>\(HTMLText.escape($0.key))=\(HTMLText.escape($0.value))</code></li>" }.joined()
                + "</ul></details></td><td>"
            if console.may(.write) { html += "<a href=\"/ui/silences?alert=\(alert.id)\">Silence…</a>" }
            html += "</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }
}
