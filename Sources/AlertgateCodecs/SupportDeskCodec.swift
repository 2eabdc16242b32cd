import AlertgateCore

/// User reports as support desks send them (`POST /api/v1/ingest/{zendesk,intercom,freshdesk}`):
/// each ticket or conversation is one report signal, its id the dedup key, so a user's reply
/// repeats the report instead of opening another.
///
/// - Zendesk: the body alertgate's template renders (`deploy/zendesk/webhook.json`, a webhook
///   of a trigger): every field a string as Zendesk's placeholders write it.
/// - Intercom: a webhook notification (`notification_event`) of topic
///   `conversation.user.created` or `conversation.user.replied`, its item the conversation;
///   the `ping` Intercom sends when a webhook is set up is answered and stored as nothing.
/// - Freshdesk: the body of an automation rule's webhook in its simple mode
///   (`{"freshdesk_webhook": {"ticket_id", "ticket_subject", ...}}`).
///
/// The reporter's name and e-mail become the `reporter` label, which only engineers see (the
/// status page shows public updates only); the ticket's link is kept as a link. The service
/// is left to the catalog's aliases, which find it in the report's words, unless the body
/// names one.
public struct SupportDeskCodec: Sendable {
    public enum Tool: String, CaseIterable, Sendable {
        case zendesk, intercom, freshdesk

        public var source: SignalSource {
            switch self {
            case .zendesk: .zendesk
            case .intercom: .intercom
            case .freshdesk: .freshdesk
            }
        }

        /// What the desk calls a report.
        var thing: String { self == .intercom ? "conversation" : "ticket" }

        var name: String {
            switch self {
            case .zendesk: "Zendesk"
            case .intercom: "Intercom"
            case .freshdesk: "Freshdesk"
            }
        }
    }

    public let tool: Tool

    public init(_ tool: Tool) {
        self.tool = tool
    }

    /// The report, or nil for a body that asks for nothing (Intercom's `ping`).
    public func decode(_ body: [UInt8]) throws(CodecError) -> Signal? {
        switch tool {
        case .zendesk: try zendesk(JSONObjectReader(TemplatedJSON.parse(body)))
        case .intercom: try intercom(JSONObjectReader(JSONValue.parse(body)))
        case .freshdesk: try freshdesk(JSONObjectReader(TemplatedJSON.parse(body)))
        }
    }

    /// What every desk gives: a ticket id, a subject, the user's words, a link, who reported.
    struct Ticket {
        var id: String
        var subject: String?
        var text: String?
        var link: String?
        var reporterName: String?
        var reporterEmail: String?
        var service: String?
        var labels: [String: String] = [:]
        var occurredAt: Timestamp?
    }

    func signal(_ ticket: Ticket) throws(CodecError) -> Signal {
        let title = [ticket.subject, ticket.text.map(GenericEventCodec.headline)].compactMap { $0 }.first { !$0.isEmpty }
        guard let title else { throw .missing("subject (or the ticket's description)") }
        var labels = ticket.labels
        labels["channel"] = tool.rawValue
        labels["ticket_id"] = ticket.id
        let reporter = [ticket.reporterName, ticket.reporterEmail.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        if !reporter.isEmpty { labels["reporter"] = reporter }
        return Signal(kind: .report, source: tool.source, status: .firing, service: ticket.service ?? "unknown", title: title,
                      description: ticket.text, severity: .warning, labels: labels, dedupKey: "\(tool.rawValue):\(ticket.id)",
                      occurredAt: ticket.occurredAt, links: ticket.link.map { [SignalLink(href: $0, text: "\(tool.name) \(tool.thing) \(ticket.id)")] } ?? [],
                      sender: tool.rawValue)
    }

    // MARK: - Zendesk

    func zendesk(_ body: JSONObjectReader) throws(CodecError) -> Signal {
        func text(_ key: String, maxBytes: Int = 1024) throws(CodecError) -> String? {
            try body.string(key, maxBytes: maxBytes).map(TemplatedJSON.text).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let id = try text("ticket_id", maxBytes: 64) else { throw .missing("ticket_id") }
        var ticket = Ticket(id: id, subject: try text("subject"), text: try text("description", maxBytes: 64 * 1024), link: try text("url", maxBytes: 2048),
                            reporterName: try text("requester_name", maxBytes: 256), reporterEmail: try text("requester_email", maxBytes: 256),
                            service: try text("service", maxBytes: 256))
        for (label, key) in [("ticket_status", "status"), ("priority", "priority"), ("tags", "tags"), ("via", "via")] {
            if let value = try text(key, maxBytes: 512) { ticket.labels[label] = value }
        }
        if let created = try text("created_at", maxBytes: 64) {
            guard let time = RFC3339.parse(created) else {
                throw .invalidValue("created_at", "must be an RFC 3339 time such as 2026-11-29T04:00:00Z, got \"\(created.prefix(64))\"")
            }
            ticket.occurredAt = time
        }
        return try signal(ticket)
    }

    // MARK: - Intercom

    static let intercomTopics: Set<String> = ["conversation.user.created", "conversation.user.replied"]

    func intercom(_ body: JSONObjectReader) throws(CodecError) -> Signal? {
        guard let topic = try body.string("topic", maxBytes: 128) else { throw .missing("topic") }
        if topic == "ping" { return nil }
        guard Self.intercomTopics.contains(topic) else {
            throw .invalidValue("topic", "must be conversation.user.created or conversation.user.replied (or ping), got \"\(topic.prefix(64))\"")
        }
        let data = try body.object("data")
        let conversation = try data.object("item")
        guard let id = try conversation.identifier("id", maxBytes: 128) else { throw .missing("data.item.id") }
        let source = try conversation.optionalObject("source")
        let author = try source?.optionalObject("author")
        var words = try source?.string("body", maxBytes: 64 * 1024).map(HTMLPlainText.plain)
        if topic == "conversation.user.replied", let reply = try Self.lastUserPart(conversation) { words = reply }
        // The conversation's title, else its subject, else its first words (not a reply's).
        let opening = try source?.string("body", maxBytes: 64 * 1024).map(HTMLPlainText.plain).map(GenericEventCodec.headline)
        let title = try [conversation.string("title", maxBytes: 1024), source?.string("subject", maxBytes: 1024).map(HTMLPlainText.plain), opening]
            .compactMap { $0 }.first { !$0.isEmpty }
        var ticket = Ticket(id: id, subject: title, text: words, reporterName: try author?.string("name", maxBytes: 256),
                            reporterEmail: try author?.string("email", maxBytes: 256))
        if let app = try body.string("app_id", maxBytes: 128) {
            ticket.link = "https://app.intercom.com/a/apps/\(app)/conversations/\(id)"
        }
        ticket.labels["topic"] = topic
        if let tags = try conversation.optionalObject("tags"), case .array(let list)? = tags.fields["tags"] {
            let names = list.compactMap { tag -> String? in if case .object(let fields) = tag, case .string(let name)? = fields["name"] { name } else { nil } }
            if !names.isEmpty { ticket.labels["tags"] = names.joined(separator: ",") }
        }
        if let created = try conversation.time("created_at") { ticket.occurredAt = created }
        return try signal(ticket)
    }

    /// The newest part a user (not an admin or bot) wrote: what a reply said.
    static func lastUserPart(_ conversation: JSONObjectReader) throws(CodecError) -> String? {
        guard let parts = try conversation.optionalObject("conversation_parts"), case .array(let list)? = parts.fields["conversation_parts"] else { return nil }
        for part in list.reversed() {
            guard case .object(let fields) = part, case .string(let body)? = fields["body"] else { continue }
            guard body.utf8.count <= 64 * 1024 else { throw .tooLong("data.item.conversation_parts.conversation_parts.body", limit: 64 * 1024) }
            if case .object(let author)? = fields["author"], case .string(let type)? = author["type"], type == "admin" || type == "bot" { continue }
            return HTMLPlainText.plain(body)
        }
        return nil
    }

    // MARK: - Freshdesk

    func freshdesk(_ body: JSONObjectReader) throws(CodecError) -> Signal {
        let webhook = body.fields["freshdesk_webhook"] == nil ? body : try body.object("freshdesk_webhook")
        func text(_ key: String, maxBytes: Int = 1024) throws(CodecError) -> String? {
            try webhook.string(key, maxBytes: maxBytes).map(TemplatedJSON.text).flatMap { $0.isEmpty ? nil : $0 }
        }
        // The id as Freshdesk's placeholder writes it: a number, or its text.
        guard let id = try webhook.identifier("ticket_id", maxBytes: 64).flatMap({ $0.isEmpty ? nil : $0 }) else { throw .missing("\(webhook.name("ticket_id"))") }
        let plain = try text("ticket_description_text", maxBytes: 64 * 1024), html = try text("ticket_description", maxBytes: 64 * 1024)
        let contactName = try text("ticket_contact_name", maxBytes: 256), requesterName = try text("ticket_requester_name", maxBytes: 256)
        let contactEmail = try text("ticket_contact_email", maxBytes: 256), requesterEmail = try text("ticket_requester_email", maxBytes: 256)
        var ticket = Ticket(id: id, subject: try text("ticket_subject"), text: plain ?? html.map(HTMLPlainText.plain), link: try text("ticket_url", maxBytes: 2048),
                            reporterName: contactName ?? requesterName, reporterEmail: contactEmail ?? requesterEmail)
        for (label, key) in [("ticket_status", "ticket_status"), ("priority", "ticket_priority"), ("tags", "ticket_tags"), ("via", "ticket_source"),
                             ("ticket_type", "ticket_type")] {
            if let value = try text(key, maxBytes: 512) { ticket.labels[label] = value }
        }
        return try signal(ticket)
    }
}
