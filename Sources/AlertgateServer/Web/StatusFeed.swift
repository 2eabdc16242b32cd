import AlertgateCore

/// The status page's public updates as an Atom feed (RFC 4287), `GET /status.atom`: one entry
/// per update, newest first, titled with its incident's public name and status. Texts are
/// escaped (`HTMLText`, which XML reads the same) and sent as `type="text"`.
enum StatusFeed {
    static func atom(summary: StatusSummary, incidents: [StatusSummary.Incident], pageURL: String) -> String {
        let updates = incidents.flatMap { incident in incident.updates.map { (incident, $0) } }
            .sorted { ($0.1.at, $0.1.id) > ($1.1.at, $1.1.id) }
        let updated = updates.first?.1.at ?? summary.page.updatedAt
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <id>\(HTMLText.escape(pageURL))</id>
            <title>\(HTMLText.escape(summary.page.name))</title>
            <link rel="alternate" type="text/html" href="\(HTMLText.escape(pageURL))"/>
            <updated>\(updated.rfc3339)</updated>
            <author><name>\(HTMLText.escape(summary.page.name))</name></author>

            """
        for (incident, update) in updates {
            xml += """
                <entry>
                <id>\(HTMLText.escape(pageURL))#update-\(update.id)</id>
                <title>\(HTMLText.escape(incident.name)) (\(HTMLText.escape(update.status)))</title>
                <link rel="alternate" type="text/html" href="\(HTMLText.escape(pageURL))"/>
                <updated>\(update.at.rfc3339)</updated>
                <content type="text">\(HTMLText.escape(update.body))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }
}
