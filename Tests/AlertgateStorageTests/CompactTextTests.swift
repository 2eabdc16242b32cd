import AlertgateCore
@testable import AlertgateStorage
import Foundation
import Testing

/// The compact forms of v13 (`WhyText`, `LabelsText`) read back to exactly what was written,
/// fall back to JSON where they cannot carry a value, and still read every row written as JSON.
@Suite struct CompactTextTests {
    /// Decodes through templates held in a dictionary, as `why_templates` would hold them.
    final class Templates {
        var byID: [Int64: WhyTemplate] = [:]
        var ids: [WhyTemplate: Int64] = [:]

        func store(_ why: Why) -> String? {
            guard let (template, arguments) = WhyText.split(why) else { return nil }
            let id = ids[template] ?? Int64(ids.count + 1)
            ids[template] = id
            byID[id] = template
            return WhyText.text(templateID: id, arguments: arguments)
        }

        func read(_ text: String) throws -> Why {
            try WhyText.decode(text) { id in
                guard let template = self.byID[id] else { throw StoreError.corruptRow("no template \(id)") }
                return template
            }
        }
    }

    @Test func reasonsRoundTripAndShareTemplates() throws {
        let templates = Templates()
        let reasons = [
            Why(rule: "correlate.new_incident", key: "svc-00", window: "correlation_window", windowSeconds: 600,
                detail: "No incident of key svc-00 is active, within correlation_window, or within reopen_window."),
            Why(rule: "correlate.new_incident", key: "svc-17", window: "correlation_window", windowSeconds: 600,
                detail: "No incident of key svc-17 is active, within correlation_window, or within reopen_window."),
            Why(rule: "dedup.same_fingerprint", key: "71899686cfe1d7a1", window: "resolve_timeout", windowSeconds: 300,
                detail: "Alert 1200 with this fingerprint is firing; repeat 007."),
            // A key inside a number, digits beside the key, the key twice, a short key left in place.
            Why(rule: "r", key: "ab12", detail: "x12ab12ab1234 and ab12: 99ab12"),
            Why(rule: "r", key: "db", detail: "Incident 3 of key db has 2 firing alert(s)."),
            Why(rule: "r", key: "", detail: ""),
            Why(rule: "r", key: "k-é🚨", window: "w", windowSeconds: 0, detail: "é🚨 k-é🚨 /\"\\ 1.5"),
        ]
        for why in reasons {
            let text = try #require(templates.store(why))
            #expect(try templates.read(text) == why, "\(text)")
        }
        // The sentence is kept once per rule and window, whatever the key and numbers.
        #expect(templates.ids.count == reasons.count - 1)
        let first = try #require(templates.store(reasons[0]))
        #expect(first == "1\u{1F}svc-00")
        #expect(first.utf8.count < JSONText.encode(reasons[0]).utf8.count / 10)
    }

    /// A reason made from a template is stored with it, unformatted: the same row and text as
    /// its sentence split (for a key of four characters or more), and read back to the sentence.
    @Test func reasonsMadeFromTemplatesStoreTheirTemplate() throws {
        // The marks of a template's sentence are those of the frozen stored form.
        #expect(Why.Template.keyMark == WhyText.keyMark && Why.Template.numberMark == WhyText.numberMark)
        let templates = Templates()
        let template = Why.Template("Incident {n} of key {key} has {n} firing alert(s).")
        func reasons(key: String, _ first: Int64, _ second: Int64) -> (made: Why, text: Why) {
            (Why(rule: "r", key: key, window: "w", windowSeconds: 600, template, Why.Numbers(first, second)),
             Why(rule: "r", key: key, window: "w", windowSeconds: 600, detail: "Incident \(first) of key \(key) has \(second) firing alert(s)."))
        }
        let long = reasons(key: "svc-00", 12, 3)
        let stored = try #require(templates.store(long.made))
        #expect(stored == "1\u{1F}svc-00\u{1F}12\u{1F}3")
        #expect(templates.store(long.text) == stored, "the same template row as the split sentence")
        #expect(try templates.read(stored) == long.text)
        // A short key is in the template's place too (the split leaves it in the sentence),
        // and so are negative numbers and the largest.
        for (made, text) in [reasons(key: "db", 3, 2), reasons(key: "", -1, Int64.max), reasons(key: "k-é🚨", 0, 0)] {
            let stored = try #require(templates.store(made))
            #expect(stored.hasPrefix("1\u{1F}"))
            #expect(try templates.read(stored) == text)
        }
        // A key with a control character: JSON, as for text.
        let control = reasons(key: "a\u{1F}b", 1, 1).made
        #expect(WhyText.split(control) == nil)
        #expect(try templates.read(JSONText.encode(control)) == control)
    }

    @Test func controlCharactersStayJSONAndOldRowsRead() throws {
        let templates = Templates()
        for why in [Why(rule: "r", key: "a\u{1F}b", detail: "d"), Why(rule: "r", key: "k", detail: "line\nbreak \u{1} \u{2}")] {
            #expect(WhyText.split(why) == nil)
            #expect(try templates.read(JSONText.encode(why)) == why)
        }
        #expect(throws: StoreError.self) { try templates.read("12") }
        #expect(throws: StoreError.self) { try templates.read("x\u{1F}k") }
        // A template asking for more numbers than the row holds is a corrupt row, not a crash.
        templates.byID[9] = WhyTemplate(rule: "r", detail: "\u{2} and \u{2}")
        #expect(throws: StoreError.self) { try templates.read("9\u{1F}key\u{1F}1") }
    }

    @Test func labelsRoundTripCompactly() throws {
        let prometheus = ["alertname": "HighRequestLatency", "instance": "10.2.0.0:9100", "job": "svc-00", "namespace": "team-0",
                          "pod": "svc-00-00000", "severity": "critical"]
        let cases: [[String: String]] = [
            prometheus, [:], ["": ""], ["a": ""], ["team": "é🚨", "x": "{\"json\": 1}", "zone": "a=b,c"],
            ["alertname": "\u{1}", "\u{1}": "x"],  // the bytes a common name is written as, as text
        ]
        for labels in cases {
            let text = LabelsText.encode(PackedLabels(labels))
            #expect(try LabelsText.decode(text) == labels, "\(text)")
        }
        let compact = LabelsText.encode(PackedLabels(prometheus))
        #expect(compact.utf8.first == LabelsText.marker)
        #expect(compact.utf8.count < JSONText.encode(prometheus).utf8.count * 7 / 10)
        // Control characters keep the JSON form; JSON rows of older versions read as before.
        #expect(LabelsText.encode(PackedLabels(["alertname": "\u{1}"])) == JSONText.encode(["alertname": "\u{1}"]))
        #expect(try LabelsText.decode(JSONText.encode(prometheus)) == prometheus)
        #expect(throws: StoreError.self) { try LabelsText.decode("\u{1E}a\u{1F}b\u{1F}c") }
    }

    @Test func oneBufferServesLabelSetAfterLabelSet() throws {
        // The writer encodes every new alert of a batch into the same buffer: each set's bytes
        // are its own, whatever the one before left there.
        var buffer: [UInt8] = []
        for labels in [["alertname": "HighRequestLatency", "instance": "10.2.0.0:9100", "zone": "eu-west-1"], ["a": "b"], [:],
                       ["alertname": "\u{1}"], ["job": "svc-00"]] {
            let compact = LabelsText.encode(PackedLabels(labels), into: &buffer)
            #expect(compact == !labels.values.contains("\u{1}"))
            guard compact else { continue }
            #expect(String(decoding: buffer, as: UTF8.self) == LabelsText.encode(PackedLabels(labels)))
            #expect(try LabelsText.decode(String(decoding: buffer, as: UTF8.self)) == labels)
        }
    }

    @Test func commonNamesAreFrozen() {
        // Part of the stored format: a byte names the position in this list.
        #expect(LabelsText.commonNames.prefix(6) == ["alertname", "instance", "job", "severity", "namespace", "pod"])
        #expect(LabelsText.commonNames.count <= 29)
        #expect(Set(LabelsText.commonNames).count == LabelsText.commonNames.count)
    }
}
