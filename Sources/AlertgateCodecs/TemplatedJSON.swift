import Foundation

/// JSON that a tool rendered from a template its user wrote (Checkly's Handlebars webhook body):
/// the values were pasted into string literals as they came, so the body may not parse as it
/// stands. Handlebars's `{{VAR}}` replaces `& < > " ' \` =` with HTML entities, which keeps the
/// quotes balanced; what it leaves is a newline, a tab or a backslash in a value, which JSON
/// does not allow raw.
///
/// `parse` repairs exactly that, inside string literals only, and only when the body does not
/// parse as it is; `text` turns the entities back into the characters. Pure: bytes in, values out.
public enum TemplatedJSON {
    /// The body as JSON: as it is when it parses, else with control characters and lone
    /// backslashes in its strings escaped. A body still not JSON keeps the first parse's error.
    public static func parse(_ bytes: [UInt8]) throws(CodecError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            guard let repaired = repaired(bytes), let value = try? JSONValue.parse(repaired) else { throw error }
            return value
        }
    }

    /// The body with what a template may have pasted raw into a string literal escaped; nil
    /// when there was nothing to repair.
    static func repaired(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var inString = false, changed = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            defer { index += 1 }
            guard inString else {
                if byte == UInt8(ascii: "\"") { inString = true }
                out.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = false
                out.append(byte)
            case UInt8(ascii: "\\"):
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                if Self.escapes.contains(next) {
                    out += [byte, next]
                    index += 1
                } else {
                    out += Array(#"\\"#.utf8)
                    changed = true
                }
            case 0..<0x20:
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                changed = true
            default:
                out.append(byte)
            }
        }
        return changed ? out : nil
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// The bytes that may follow a backslash in a JSON string.
    private static let escapes: Set<UInt8> = Set(#""\/bfnrtu"#.utf8)

    /// Handlebars's entities turned back into their characters.
    public static func text(_ value: String) -> String {
        guard value.contains("&") else { return value }
        var text = value
        for (entity, character) in entities { text = text.replacingOccurrences(of: entity, with: character) }
        return text
    }

    /// `&amp;` last, so `&amp;quot;` (a literal `&quot;` in a value) stays `&quot;`.
    private static let entities = [("&quot;", "\""), ("&#x27;", "'"), ("&#39;", "'"), ("&#x60;", "`"), ("&#x3D;", "="),
                                   ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")]
}
