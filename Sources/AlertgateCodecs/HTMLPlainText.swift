import Foundation

/// The text of the HTML a support desk sends as a message body (Intercom's `<p>` parts,
/// Freshdesk's descriptions): block ends and `<br>` become line breaks, other tags go, and
/// character references are read back. Not a parser: enough to keep the user's words.
enum HTMLPlainText {
    static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html.trimmingCharacters(in: .whitespacesAndNewlines) }
        var out = ""
        var index = html.startIndex
        // Past the last `>`, a `<` opens no tag: found once, so text of many `<` stays linear.
        let lastClose = html.lastIndex(of: ">")
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let lastClose, index < lastClose, let close = html[index...].firstIndex(of: ">") {
                let tag = html[html.index(after: index)..<close].lowercased()
                let name = tag.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "\t" || $0 == "\n" }).first.map(String.init) ?? ""
                if name == "br" || (tag.hasPrefix("/") && Self.blocks.contains(String(tag.dropFirst()))) { out.append("\n") }
                index = html.index(after: close)
            } else if character == "&", let end = html[index...].prefix(12).firstIndex(of: ";"),
                      let decoded = Self.reference(String(html[html.index(after: index)..<end])) {
                out.append(decoded)
                index = html.index(after: end)
            } else {
                out.append(character)
                index = html.index(after: index)
            }
        }
        // At most one blank line in a row.
        var lines: [Substring] = []
        for line in out.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace), lines.last?.allSatisfy(\.isWhitespace) ?? true { continue }
            lines.append(line)
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let blocks: Set<String> = ["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"]
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "pound": "£", "euro": "€", "copy": "©", "hellip": "…",
        "ndash": "–", "mdash": "—", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
    ]

    /// `&amp;`, `&#39;`, `&#x27;`; nil for one not known (kept as written).
    static func reference(_ name: String) -> String? {
        if let text = named[name] { return text }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
    }
}
