import AlertgateCore
import Testing

@Suite("Fingerprint: Alertmanager's algorithm and explicit keys")
struct FingerprintTests {
    /// FNV-1a 64 written out here, apart from the code under test: sorted names, then for each
    /// label the name bytes, 0xFF, the value bytes, 0xFF.
    static func reference(_ labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for name in labels.keys.sorted() {
            for byte in name.utf8 { add(byte) }
            add(0xFF)
            for byte in labels[name]!.utf8 { add(byte) }
            add(0xFF)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    @Test func aLabelSetHashesLikeAlertmanager() {
        let labels = ["alertname": "HighLatency", "service": "api"]
        let expected = Self.reference(labels)
        #expect(Fingerprint.labels(labels).value == expected)
        #expect(expected.count == 16)
        #expect(expected == expected.lowercased())
    }

    @Test func theEmptyLabelSetIsTheOffsetBasis() {
        #expect(Fingerprint.labels([:]).value == "cbf29ce484222325")
    }

    /// The value Prometheus' `model.LabelsToSignature` test expects (5799056148416392346).
    @Test func aKnownPrometheusSignature() {
        let labels = ["name": "garland, briggs", "fear": "love is not enough"]
        #expect(Fingerprint.labels(labels).value == "507a62d79ee76c9a")
        #expect(Self.reference(labels) == "507a62d79ee76c9a")
    }

    @Test func anAlertSignalHashesItsLabelsWithAlertnameAndService() {
        let signal = Signal(service: "api", title: "HighLatency")
        #expect(Fingerprint.of(signal).value == Self.reference(["alertname": "HighLatency", "service": "api"]))
        let labelled = Signal(service: "api", title: "ignored", labels: ["alertname": "HighLatency", "env": "prod"])
        #expect(Fingerprint.of(labelled).value == Self.reference(["alertname": "HighLatency", "env": "prod", "service": "api"]))
    }

    @Test func anExplicitKeyWinsAndIsNamespacedBySource() {
        let pagerduty = Signal(source: .pagerduty, service: "api", title: "HighLatency", dedupKey: "abc")
        #expect(Fingerprint.of(pagerduty).value == "pagerduty:abc")
        #expect(Fingerprint.explicit("abc", source: .pagerduty) == Fingerprint("pagerduty:abc"))

        let events = Signal(source: .events, service: "other", title: "Other", dedupKey: "abc")
        #expect(Fingerprint.of(events).value == "events:abc")
        #expect(Fingerprint.of(events) != Fingerprint.of(pagerduty))

        let empty = Signal(source: .pagerduty, service: "api", title: "HighLatency", dedupKey: "")
        #expect(Fingerprint.of(empty) == Fingerprint.of(Signal(service: "api", title: "HighLatency")))
    }

    @Test func logsWithDifferentNumbersShareAFingerprint() {
        let a = Signal(kind: .log, source: .syslog, service: "auth", title: "took 153ms for user 4411", labels: ["host": "h1"])
        let b = Signal(kind: .log, source: .syslog, service: "auth", title: "took 9ms for user 12", labels: ["host": "h1"])
        let c = Signal(kind: .log, source: .syslog, service: "auth", title: "took 9ms for admin 12", labels: ["host": "h1"])
        #expect(Fingerprint.of(a) == Fingerprint.of(b))
        #expect(Fingerprint.of(a) != Fingerprint.of(c))
    }

    /// A fingerprint is held as a number or as text depending on its text alone: whichever,
    /// it gives back the same text, and equal texts make equal values.
    @Test(arguments: [
        "0123456789abcdef", "ffffffffffffffff", "0000000000000000", "0123456789ABCDEF", "0123456789abcdeg",
        "0123456789abcde", "0123456789abcdef0", "pagerduty:0123456789abcdef", "", "ÿ123456789abcde",
    ])
    func theTextComesBackAsItWasGiven(text: String) {
        let fingerprint = Fingerprint(text)
        #expect(fingerprint.value == text)
        #expect(fingerprint.withUTF8 { Array($0) } == Array(text.utf8))
        let copy = Fingerprint(String(decoding: Array(text.utf8), as: UTF8.self))
        #expect(fingerprint == copy)
        #expect(Set([fingerprint, copy]).count == 1)
        let isHash = text.utf8.count == 16 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        #expect((fingerprint.hashValue64 == UInt64(text, radix: 16)) || !isHash)
    }

    @Test func aLabelHashAndItsTextAreOneFingerprint() {
        let labels = ["alertname": "HighLatency", "job": "api"]
        let computed = Fingerprint.labels(labels)
        #expect(computed == Fingerprint(Self.reference(labels)))
        #expect(computed.hashValue == Fingerprint(Self.reference(labels)).hashValue)
        #expect(computed != Fingerprint(Self.reference(labels).uppercased()))
    }
}
