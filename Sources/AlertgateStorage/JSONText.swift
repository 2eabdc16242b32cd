import AlertgateCore
import Foundation

/// The small JSON columns (labels, services, links, why), written by hand with sorted keys so
/// equal values give equal text. The writer runs for every signal in the one writer's
/// transaction; JSONEncoder cost several times more there (measured with `perf`). Reading
/// back uses JSONDecoder: reads are off the ingest path.
enum JSONText {
    static func encode(_ map: [String: String]) -> String {
        var out = "{"
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            quote(key, into: &out)
            out += ":"
            quote(map[key]!, into: &out)
        }
        return out + "}"
    }

    static func encode(_ list: [String]) -> String {
        var out = "["
        for (index, item) in list.enumerated() {
            if index > 0 { out += "," }
            quote(item, into: &out)
        }
        return out + "]"
    }

    static func encode(_ links: [SignalLink]) -> String {
        "[" + links.map { link in
            var out = "{\"href\":"
            quote(link.href, into: &out)
            if let text = link.text {
                out += ",\"text\":"
                quote(text, into: &out)
            }
            return out + "}"
        }.joined(separator: ",") + "]"
    }

    /// The keys of `Why`'s Codable form, sorted.
    static func encode(_ why: Why) -> String {
        var out = "{\"detail\":"
        quote(why.detail, into: &out)
        out += ",\"key\":"
        quote(why.key, into: &out)
        out += ",\"rule\":"
        quote(why.rule, into: &out)
        if let window = why.window {
            out += ",\"window\":"
            quote(window, into: &out)
        }
        if let seconds = why.windowSeconds { out += ",\"window_seconds\":\(seconds)" }
        return out + "}"
    }

    static func quote(_ text: String, into out: inout String) {
        JSONQuoting.append(text, to: &out)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
