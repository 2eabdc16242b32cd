import AlertgateCodecs
import AlertgateCore
import Foundation
import Testing

/// Support desks' reports. Zendesk's bodies are made from the shipped template
/// (`deploy/zendesk/webhook.json`) the way a trigger's webhook renders its placeholders in a
/// JSON body (each value JSON-escaped), and once with the values pasted raw, as a desk that
/// does not escape would. Intercom's and Freshdesk's bodies are in `fixtures/` (golden tests).
@Suite struct SupportDeskCodecTests {
    static let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy/zendesk/webhook.json").standardized

    static let ticket: [String: String] = [
        "ticket.id": "31337", "ticket.title": #"Checkout says "payment failed""#,
        "ticket.description": "----------------------------------------------\n\nDana Reyes, Dec 3, 2026, 09:15\n\nI pressed Pay & got \"payment failed\" twice.\nC:\\Users\\dana\\screenshot.png attached",
        "ticket.link": "https://example.zendesk.com/agent/tickets/31337", "ticket.status": "New", "ticket.priority": "High",
        "ticket.tags": "checkout web", "ticket.via": "Web form", "ticket.requester.name": "Dana Reyes",
        "ticket.requester.email": "dana@example.com", "ticket.created_at_with_timestamp": "2026-12-03T09:15:02Z",
    ]

    static func render(_ values: [String: String], escape: Bool) throws -> [UInt8] {
        var text = try String(contentsOf: template, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"\{\{([a-z_.]+)\}\}"#)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            let value = values[String(text[Range(match.range(at: 1), in: text)!])] ?? ""
            // A JSON string's contents: what JSONSerialization writes between its quotes.
            let escaped = escape ? String(String(decoding: try JSONSerialization.data(withJSONObject: [value]), as: UTF8.self).dropFirst(2).dropLast(2)) : value
            text.replaceSubrange(Range(match.range, in: text)!, with: escaped)
        }
        return Array(text.utf8)
    }

    @Test func aZendeskTicketIsAReportWithItsRequesterItsLinkAndItsWords() throws {
        let signal = try #require(try SupportDeskCodec(.zendesk).decode(Self.render(Self.ticket, escape: true)))
        #expect(signal.kind == .report && signal.source == .zendesk && signal.status == .firing)
        #expect(signal.title == #"Checkout says "payment failed""#)
        #expect(signal.description == Self.ticket["ticket.description"])
        #expect(signal.dedupKey == "zendesk:31337")
        #expect(signal.labels["reporter"] == "Dana Reyes <dana@example.com>" && signal.labels["channel"] == "zendesk")
        #expect(signal.labels["tags"] == "checkout web" && signal.labels["priority"] == "High" && signal.labels["via"] == "Web form")
        #expect(signal.links == [SignalLink(href: "https://example.zendesk.com/agent/tickets/31337", text: "Zendesk ticket 31337")])
        #expect(signal.occurredAt == RFC3339.parse("2026-12-03T09:15:02Z"))
        #expect(DetectedBy(signal) == .userReport)
    }

    @Test func aZendeskBodyWithRawNewlinesAndBackslashesIsRepaired() throws {
        var values = Self.ticket
        values["ticket.title"] = "Checkout fails"
        values["ticket.description"] = "line one\nC:\\path\tand a tab"
        let body = try Self.render(values, escape: false)
        #expect((try? JSONSerialization.jsonObject(with: Data(body))) == nil)
        let signal = try #require(try SupportDeskCodec(.zendesk).decode(body))
        #expect(signal.description == "line one\nC:\\path\tand a tab")
    }

    @Test func aTicketWithoutASubjectIsTitledByItsFirstWords() throws {
        var values = Self.ticket
        values["ticket.title"] = ""
        values["ticket.description"] = "\n  The app crashes on start since the update.\nMore details follow."
        let signal = try #require(try SupportDeskCodec(.zendesk).decode(Self.render(values, escape: true)))
        #expect(signal.title == "The app crashes on start since the update.")
    }

    @Test func refusalsNameTheField() throws {
        var values = Self.ticket
        values["ticket.id"] = ""
        #expect(throws: CodecError.self) { try SupportDeskCodec(.zendesk).decode(Self.render(values, escape: true)) }
        let body = try Self.render(values, escape: true)
        do { _ = try SupportDeskCodec(.zendesk).decode(body) } catch { #expect(error.field == "ticket_id") }
        do { _ = try SupportDeskCodec(.intercom).decode(Array(#"{"topic": "contact.created", "data": {"item": {}}}"#.utf8)) } catch {
            #expect(error.field == "topic")
        }
        do { _ = try SupportDeskCodec(.intercom).decode(Array(#"{"topic": "conversation.user.created", "data": {"item": {"source": {}}}}"#.utf8)) } catch {
            #expect(error.field == "data.item.id")
        }
        do { _ = try SupportDeskCodec(.freshdesk).decode(Array(#"{"freshdesk_webhook": {"ticket_subject": "x"}}"#.utf8)) } catch {
            #expect(error.field == "freshdesk_webhook.ticket_id")
        }
        #expect(try SupportDeskCodec(.intercom).decode(Array(#"{"type": "notification_event", "topic": "ping", "data": {"item": {}}}"#.utf8)) == nil)
    }

    @Test func textOfManyUnclosedTagsAndAmpersandsIsKeptAsWritten() throws {
        let words = String(repeating: "<a & b ", count: 9_000)
        let body = #"{"topic": "conversation.user.created", "data": {"item": {"id": "1", "source": {"body": "\#(words)"}}}}"#
        let signal = try #require(try SupportDeskCodec(.intercom).decode(Array(body.utf8)))
        #expect(signal.description == words.trimmingCharacters(in: .whitespaces))
    }

    @Test func htmlBecomesTheUsersWords() throws {
        let body = #"{"topic": "conversation.user.created", "app_id": "a1", "data": {"item": {"id": 9, "source": {"body": "<p>It&#39;s down &amp; slow</p><p><br></p><p>since&nbsp;9:00 &#x2014; <b>help</b></p>"}}}}"#
        let signal = try #require(try SupportDeskCodec(.intercom).decode(Array(body.utf8)))
        #expect(signal.description == "It's down & slow\n\nsince 9:00 — help")
        #expect(signal.title == "It's down & slow")
        #expect(signal.links.first?.href == "https://app.intercom.com/a/apps/a1/conversations/9")
    }
}
