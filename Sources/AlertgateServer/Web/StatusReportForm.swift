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
        var fields: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : []) else {
                return .invalid(field: "body", message: "the form is not valid application/x-www-form-urlencoded")
            }
            // The first of a repeated field counts.
            if fields[name] == nil { fields[name] = value }
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

    /// A form-encoded name or value: `+` is a space, `%XX` a byte; nil when it is not UTF-8 or
    /// holds a bad escape.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    fileprivate var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
