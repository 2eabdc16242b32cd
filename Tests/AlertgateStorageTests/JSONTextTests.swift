import AlertgateCore
@testable import AlertgateStorage
import Foundation
import Testing

/// The hand-written JSON of the small columns reads back to the same values.
@Suite struct JSONTextTests {
    let awkward = "quote \" backslash \\ newline \n tab \t bell \u{7} unicode é 🚨 slash /"

    @Test func mapsListsLinksAndWhyRoundTrip() throws {
        let map = ["b": awkward, "a": "", "c\"k": "v"]
        #expect(try JSONText.decode([String: String].self, JSONText.encode(map)) == map)
        #expect(JSONText.encode(["b": "2", "a": "1"]) == #"{"a":"1","b":"2"}"#)
        // A live alert's packed labels write the same text as their dictionary.
        #expect(JSONText.encode(PackedLabels(map)) == JSONText.encode(map))
        #expect(try JSONText.decode([String: String].self, JSONText.encode(PackedLabels(map))) == map)
        #expect(JSONText.encode(PackedLabels([:])) == "{}")
        let list = [awkward, "x"]
        #expect(try JSONText.decode([String].self, JSONText.encode(list)) == list)
        let links = [SignalLink(href: "http://x/?a=1&b=\"2\"", text: awkward), SignalLink(href: "h")]
        #expect(try JSONText.decode([SignalLink].self, JSONText.encode(links)) == links)
        for why in [Why(rule: "r", key: awkward, window: "correlation_window", windowSeconds: 600, detail: awkward),
                    Why(rule: "r", key: "k", detail: "d")] {
            #expect(try JSONText.decode(Why.self, JSONText.encode(why)) == why)
        }
    }

    @Test func theOutputIsWhatJSONEncoderWouldSay() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let why = Why(rule: "dedup.same_fingerprint", key: "56ac3dd5c3bc20e5", window: "resolve_timeout", windowSeconds: 300, detail: "Alert 1 is firing.")
        let decodedMine = try JSONSerialization.jsonObject(with: Data(JSONText.encode(why).utf8)) as? NSDictionary
        let decodedTheirs = try JSONSerialization.jsonObject(with: encoder.encode(why)) as? NSDictionary
        #expect(decodedMine == decodedTheirs)
    }
}
