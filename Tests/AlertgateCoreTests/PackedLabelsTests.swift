import AlertgateCore
import AlertgateTesting
import Testing

@Suite("PackedLabels: a live alert's labels in one buffer, the same set as the dictionary")
struct PackedLabelsTests {
    /// Label sets of 0 to 9 pairs: empty texts, control characters, non-ASCII, and values
    /// past 127 and 16,383 bytes (lengths of two and three LEB128 bytes).
    static func labels(_ random: inout SeededGenerator) -> [String: String] {
        let alphabet = Array("az_09 :\"\\\u{0}\u{1F}é€😀".unicodeScalars)
        func text(_ random: inout SeededGenerator) -> String {
            let length: Int
            switch random.next() % 20 {
            case 0: length = 0
            case 1: length = 128 + Int(random.next() % 300)
            case 2: length = 16_384 + Int(random.next() % 50)
            default: length = Int(random.next() % 24)
            }
            return String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }
        var labels: [String: String] = [:]
        for _ in 0..<Int(random.next() % 10) { labels[text(&random)] = text(&random) }
        return labels
    }

    @Test(arguments: 0..<6)
    func packedLabelsHoldTheSameSetAsTheDictionary(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        for _ in 0..<300 {
            let labels = Self.labels(&random)
            let packed = PackedLabels(labels)
            #expect(packed.dictionary == labels)
            #expect(packed.count == labels.count)
            // The digest the correlator compares a repeat's labels by: the same from either form.
            #expect(LiveAlert.digest(labels: packed) == LiveAlert.digest(labels: labels))
            for (key, value) in labels { #expect(packed[key] == value) }
            #expect(packed["absent key \(random.next())"] == nil)
            // Equal exactly when the sets are: whatever order the dictionary gave the pairs in.
            var copy: [String: String] = [:]
            for (key, value) in labels.reversed() { copy[key] = value }
            #expect(PackedLabels(copy) == packed)
            #expect(PackedLabels(copy).hashValue == packed.hashValue)
            if let (key, value) = labels.first {
                var changed = labels
                changed[key] = value + "x"
                #expect(LiveAlert.digest(labels: packed) != LiveAlert.digest(labels: changed))
                #expect(PackedLabels(changed) != packed)
                changed = labels
                changed[key] = nil
                #expect(LiveAlert.digest(labels: packed) != LiveAlert.digest(labels: changed))
                changed["\u{1}not drawn"] = value  // no key holds U+0001: the count is the same, the set is not
                #expect(LiveAlert.digest(labels: packed) != LiveAlert.digest(labels: changed))
            }
        }
    }

    /// A new alert's digest reads its packed labels, in their names' byte order, where those
    /// are ASCII; the frozen digest sorts names as `String`s. Both must give the same value.
    @Test(arguments: 0..<4)
    func theDigestOfPackedLabelsIsTheSignalsDigest(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        var ascii = 0, other = 0
        for _ in 0..<300 {
            var labels = Self.labels(&random)
            if random.next() % 2 == 0 {
                // Most drawn sets have a name with a non-ASCII character: half lose them.
                labels = Dictionary(labels.map { (String($0.key.unicodeScalars.filter(\.isASCII)), $0.value) }) { first, _ in first }
            }
            // Names that byte order and `String` order could set apart if either were wrong:
            // upper before lower case, `_` between them, a prefix before its extensions.
            for name in ["a", "B", "_", "a_", "a1", "Z9"] where random.next() % 2 == 0 { labels[name] = "v" }
            let signal = Signal(service: "api", title: "HighLatency", labels: labels)
            let packed = PackedLabels(labels)
            let namesAreASCII = labels.keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
            #expect(packed.namesAreASCII == namesAreASCII)
            if namesAreASCII { ascii += 1 } else { other += 1 }
            #expect(signal.contentDigest(packed: packed) == signal.contentDigest)
        }
        #expect(ascii > 50 && other > 50, "both ways to the digest are taken")
    }

    @Test func anAlertKeepsItsLabelsPackedAndMatchersReadThem() {
        let labels = ["alertname": "HighLatency", "instance": "10.0.0.1:9100", "team": "payments"]
        var alert = AlertState(
            id: 1, fingerprint: Fingerprint("f"), incidentID: 1, status: .firing, kind: .alert, service: "checkout", title: "Latency",
            severity: .warning, labels: labels, firstSeen: Timestamp(milliseconds: 0), lastSeen: Timestamp(milliseconds: 0), resolvedAt: nil, count: 1)
        #expect(alert.labels == labels)
        #expect(alert.packedLabels == PackedLabels(labels))
        #expect(alert.matchValue("team") == "payments")
        #expect(alert.matchValue("alertname") == "HighLatency")
        #expect(alert.matchValue("severity") == "warning")
        #expect(alert.matchValue("absent") == nil)
        alert.labels["team"] = "search"
        #expect(alert.matchValue("team") == "search")
        #expect(alert.labelsDigest == LiveAlert.digest(labels: ["alertname": "HighLatency", "instance": "10.0.0.1:9100", "team": "search"]),
                "its live part follows its labels")
        alert.title = "Latency p99"
        #expect(alert.titleDigest == LiveAlert.digest(title: "Latency p99"))
    }
}
