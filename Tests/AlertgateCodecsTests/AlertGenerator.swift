/// Alertmanager API bodies put together from each member's edge values: valid, at and past
/// the limits, of the wrong type, with escapes, null, given twice, in any order. For tests
/// that compare two decoders on the inputs where they are most likely to differ.
enum AlertGenerator {
    static let names = [
        #""alertname""#, #""service""#, #""job""#, #""severity""#, #""instance""#, #""_x""#, #""1x""#, #""a-b""#, #""é""#, #""""#,
        #""k\u0041""#, "\"\(String(repeating: "k", count: 256))\"", "\"\(String(repeating: "k", count: 257))\"",
    ]
    static let annotationNames = [
        #""summary""#, #""title""#, #""description""#, #""message""#, #""runbook_url""#, #""summar\u0079""#, #""summary ""#,
        "\"\(String(repeating: "a", count: 257))\"",
    ]
    static let values = [
        #""v""#, #""critical""#, #""warn""#, #""""#, "1.5", "-0", "3", "1e2", "true", "null", "{}", "[]", #""\u00e9""#, #""\uD83D\uDE00""#,
        #""x\ny\"""#, #""grüße""#, "\"\(String(repeating: "v", count: 4096))\"", "\"\(String(repeating: "v", count: 4097))\"",
    ]
    static let times = [
        #""2026-11-29T04:00:00Z""#, #""2026-11-29T06:00:00.5+01:00""#, #""2026-11-29T05:02:40.891Z""#, #""0001-01-01T00:00:00Z""#,
        #""0001-01-01""#, "\"0001-01-01\u{301}\"", #""""#, #""soon""#, "1795000000", "0", "null", "true", #""2026-11-29T04:00:00\u005A""#, "{}",
    ]
    static let urls = [
        #""http://prometheus/graph?g0.expr=up""#, #""""#, "null", "5", #""h\u0026g""#, "\"\(String(repeating: "u", count: 4097))\"", "[]",
    ]
    static let others = [
        #""fingerprint": "abc""#, #""status": {"a": [1, 2, {"b": null}]}"#, #""x": "ü""#, #""lab\u0065ls": {"z": "z"}"#, #""Labels": 1"#,
    ]

    static func map(_ random: inout BodyMutator, names: [String], entries: Int) -> String {
        let count = random.below(12) == 0 ? 120 + random.below(12) : random.below(entries)
        let members = (0..<count).map { index in
            let name = index >= 6 ? #""n\#(index)""# : random.pick(names)
            return "\(name): \(random.below(4) == 0 ? random.pick(values) : #""v\#(index)""#)"
        }
        return "{" + members.joined(separator: ", ") + "}"
    }

    static func alert(_ random: inout BodyMutator) -> String {
        var members: [String] = []
        let labels = random.below(10) == 0 ? random.pick(["null", #""x""#, "[]", "{}"]) : map(&random, names: names, entries: 6)
        if random.below(10) > 0 { members.append(#""labels": \#(labels)"#) }
        if random.below(2) == 0 {
            let annotations = random.below(10) == 0 ? random.pick(["null", "[]", "1"]) : map(&random, names: annotationNames, entries: 5)
            members.append(#""annotations": \#(annotations)"#)
        }
        if random.below(2) == 0 { members.append(#""startsAt": \#(random.pick(times))"#) }
        if random.below(2) == 0 { members.append(#""endsAt": \#(random.pick(times))"#) }
        if random.below(2) == 0 { members.append(#""generatorURL": \#(random.pick(urls))"#) }
        if random.below(3) == 0 { members.append(random.pick(others)) }
        if random.below(8) == 0, let again = members.randomElement(using: &random) { members.append(again) }
        members.shuffle(using: &random)
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// One to four alerts, now and then something else than an alert among them.
    static func body(_ random: inout BodyMutator) -> String {
        "[" + items(&random, alert: alert).joined(separator: ",") + "]"
    }

    static func items(_ random: inout BodyMutator, alert: (inout BodyMutator) -> String) -> [String] {
        (0...random.below(4)).map { _ in random.below(15) == 0 ? random.pick(["1", "null", #""a""#, "[]"]) : alert(&random) }
    }

    static let statuses = [#""firing""#, #""resolved""#, #""acknowledged""#, #""exploding""#, #""""#, "null", "5", "\"\(String(repeating: "f", count: 33))\""]
    static let fingerprints = [#""0123456789abcdef""#, #""00FF00ff""#, #""""#, #""not-hex!""#, "null", "5", "\"\(String(repeating: "a", count: 65))\"", #""\u0061b""#]
    static let webhookStrings = [#""http://grafana/d/1""#, #""""#, "null", "5", "{}", #""[ var='A' value=93.5 ]""#, "\"\(String(repeating: "u", count: 4097))\""]

    /// An alert as the webhooks send it: the API's members and the webhook's own.
    static func webhookAlert(_ random: inout BodyMutator) -> String {
        var members = [String(alert(&random).dropFirst().dropLast())].filter { !$0.isEmpty }
        if random.below(4) > 0 { members.append(#""status": \#(random.pick(statuses))"#) }
        if random.below(2) == 0 { members.append(#""fingerprint": \#(random.pick(fingerprints))"#) }
        for name in ["valueString", "dashboardURL", "panelURL", "silenceURL"] where random.below(3) == 0 {
            members.append(#""\#(name)": \#(random.pick(webhookStrings))"#)
        }
        if random.below(10) == 0 { members.append(#""status": "resolved""#) }
        if random.below(10) == 0 { members.append(#""statu\u0073": "resolved""#) }
        members.shuffle(using: &random)
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// A webhook notification: its top level's edge values around one to four alerts.
    static func webhookBody(_ random: inout BodyMutator) -> String {
        var members: [String] = []
        if random.below(5) > 0 {
            let alerts = random.below(12) == 0 ? random.pick(["{}", "null", "[]", #""x""#]) : "[" + items(&random, alert: webhookAlert).joined(separator: ",") + "]"
            members.append(#""alerts": \#(alerts)"#)
        }
        if random.below(4) > 0 { members.append(#""version": \#(random.pick([#""4""#, #""4""#, #""3""#, "4", "null", #""\u0034""#, "\"\(String(repeating: "4", count: 17))\""]))"#) }
        if random.below(4) > 0 { members.append(#""receiver": \#(random.pick([#""alertgate""#, "null", "5", #""r\u00e9""#, "\"\(String(repeating: "r", count: 1025))\""]))"#) }
        for member in [#""status": "firing""#, #""groupLabels": {"alertname": "A"}"#, #""commonAnnotations": {}"#, #""externalURL": "http://am""#, #""truncatedAlerts": 0"#, #""orgId": 1"#]
        where random.below(2) == 0 {
            members.append(member)
        }
        if random.below(10) == 0, let again = members.randomElement(using: &random) { members.append(again) }
        if random.below(15) == 0 { members.append(#""alert\u0073": []"#) }
        members.shuffle(using: &random)
        return random.below(25) == 0 ? "[" + members.joined(separator: ", ") + "]" : "{" + members.joined(separator: ", ") + "}"
    }
}
