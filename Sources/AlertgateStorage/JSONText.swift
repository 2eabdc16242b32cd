import AlertgateCore
import Foundation

/// The small JSON columns (labels, services, links, why), written by hand with sorted keys so
/// equal values give equal text. The writer runs for every signal in the one writer's
/// transaction; JSONEncoder cost several times more there (measured with `perf`), and so did
/// appending to a `String` piece by piece: the text is built as UTF-8 bytes and made a
/// `String` once. Reading back uses JSONDecoder: reads are off the ingest path.
package enum JSONText {
    package static func encode(_ map: [String: String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(map.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        out.append(UInt8(ascii: "{"))
        for (index, pair) in map.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            quote(pair.key, into: &out)
            out.append(UInt8(ascii: ":"))
            quote(pair.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The same object as `encode(labels.dictionary)` would write, straight from the packed
    /// bytes (keys in the order of their bytes, which is `<`'s for the ASCII of label names).
    package static func encode(_ labels: PackedLabels) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        labels.forEachPair { key, value in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            quote(key, into: &out)
            out.append(UInt8(ascii: ":"))
            quote(value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    package static func encode(_ list: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in list.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            quote(item, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Ids as a JSON array, for SQLite's `json_each` (one parameter however many ids).
    package static func encode(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    package static func encode(_ links: [SignalLink]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, link) in links.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append("{\"href\":", to: &out)
            quote(link.href, into: &out)
            if let text = link.text {
                append(",\"text\":", to: &out)
                quote(text, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The keys of `Why`'s Codable form, sorted.
    package static func encode(_ why: Why) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(why.detail.utf8.count + why.key.utf8.count + why.rule.utf8.count + (why.window?.utf8.count ?? 0) + 72)
        append("{\"detail\":", to: &out)
        quote(why.detail, into: &out)
        append(",\"key\":", to: &out)
        quote(why.key, into: &out)
        append(",\"rule\":", to: &out)
        quote(why.rule, into: &out)
        if let window = why.window {
            append(",\"window\":", to: &out)
            quote(window, into: &out)
        }
        if let seconds = why.windowSeconds { append(",\"window_seconds\":\(seconds)", to: &out) }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal. Most label values and reasons need no escape
    /// and are copied whole; the others go through `JSONQuoting`, the one escaping rule.
    static func quote(_ text: String, into out: inout [UInt8]) {
        quote(text.utf8, into: &out)
    }

    /// The same for UTF-8 bytes (a live alert's packed labels).
    static func quote<Text: Collection<UInt8>>(_ text: Text, into out: inout [UInt8]) {
        if text.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: text)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: JSONQuoting.quoted(String(decoding: text, as: UTF8.self)).utf8)
        }
    }

    private static func append(_ literal: String, to out: inout [UInt8]) {
        out.append(contentsOf: literal.utf8)
    }

    package static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
