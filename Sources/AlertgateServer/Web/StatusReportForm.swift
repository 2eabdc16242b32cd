/// The status page's "Report a problem" form, as posted (`application/x-www-form-urlencoded`):
/// what it holds, or why it is refused. Pure; `StatusReportRoutes` answers and stores.
enum StatusReportForm: Equatable {
    /// A person's report: the public component it names (nil: "not sure"), what happened, and
    /// how to reach them (kept private: a label of the signal, never on the page).
    case report(component: String?, text: String, contact: String?)
    /// The hidden field was filled: a bot. Answered like a report, stored nowhere.
    case honeypot
    /// Refused: the field and what is wrong with it.
    case invalid(field: String, message: String)

    /// The form's field names.
    static let componentField = "component", textField = "what_happened", contactField = "contact"
    /// The field people do not see (hidden by the stylesheet, skipped by the tab order) and bots fill.
    static let honeypotField = "website"
    static let maxTextCharacters = 2000
    static let maxContactCharacters = 200
    /// The largest body the form route reads: room for the longest text and contact in
    /// characters of four bytes, each byte percent-encoded.
    static let maxBodyBytes = 64 * 1024

    /// The form in `body`; its component counts when it is one of `components` (the page's public ones).
    static func parse(_ body: [UInt8], components: Set<String>) -> StatusReportForm {
        guard let fields = FormFields.parse(body) else {
            return .invalid(field: "body", message: "the form is not valid application/x-www-form-urlencoded")
        }
        if let trap = fields[honeypotField], !trap.isEmpty { return .honeypot }
        let text = (fields[textField] ?? "").trimmingWhitespace
        guard !text.isEmpty else { return .invalid(field: textField, message: "say what happened") }
        guard text.count <= maxTextCharacters else {
            return .invalid(field: textField, message: "at most \(maxTextCharacters) characters, please")
        }
        let contact = (fields[contactField] ?? "").trimmingWhitespace
        guard contact.count <= maxContactCharacters else {
            return .invalid(field: contactField, message: "at most \(maxContactCharacters) characters, please")
        }
        // A component the page no longer lists (a form loaded before a reload) keeps the report,
        // without a service: nothing a person wrote is lost.
        let component = (fields[componentField] ?? "").trimmingWhitespace
        return .report(component: components.contains(component) ? component : nil, text: text, contact: contact.isEmpty ? nil : contact)
    }
}
