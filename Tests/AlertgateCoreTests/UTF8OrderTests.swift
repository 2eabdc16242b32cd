@testable import AlertgateCore
import AlertgateTesting
import Testing

@Suite("UTF8Order: label names in the order of their UTF-8 bytes")
struct UTF8OrderTests {
    /// The order Swift's own byte-wise comparison gives, on pairs that share prefixes, differ
    /// past 15 bytes (a small string against a heap one), are empty, or hold non-ASCII text
    /// (where byte order and `String`'s `<` part ways).
    @Test(arguments: 0..<4)
    func sameAsComparingTheUTF8Views(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let alphabet = Array("ab_Z09\u{0}\u{7F}é€😀\u{301}".unicodeScalars)
        func text(_ random: inout SeededGenerator) -> String {
            let length = Int(random.next() % 24)
            return String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }
        for _ in 0..<2_000 {
            let a = text(&random)
            // Half of the pairs share a's start.
            let b = random.next() % 2 == 0 ? String(a.unicodeScalars.prefix(Int(random.next() % 20))) + text(&random) : text(&random)
            #expect(UTF8Order.precedes(a, b) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(Array(a.utf8)) against \(Array(b.utf8))")
            #expect(UTF8Order.precedes(b, a) == b.utf8.lexicographicallyPrecedes(a.utf8))
            #expect(!UTF8Order.precedes(a, a))
        }
    }

    @Test func namesInTheOrderOfTheirBytes() {
        // "é" as one scalar (U+00E9, bytes C3 A9) and as "e" + U+0301 (65 CC 81): equal as
        // Strings, so `<` puts neither first; by bytes the second comes first. Then "Z" (5A)
        // before "a" (61), a name before the longer names it starts, and the empty name first.
        #expect(UTF8Order.precedes("e\u{301}", "\u{E9}"))
        #expect(!UTF8Order.precedes("\u{E9}", "e\u{301}"))
        #expect(UTF8Order.precedes("Zone", "alertname"))
        #expect(UTF8Order.precedes("job", "job_name"))
        #expect(!UTF8Order.precedes("job_name", "job"))
        #expect(UTF8Order.precedes("", "a"))
        #expect(!UTF8Order.precedes("", ""))
    }

    /// Label sets sorted for fingerprints, packed labels and digests: names that share their
    /// first eight bytes or more (so the bytes past them decide), hold a NUL byte (which the
    /// integer prefix cannot tell from a shorter name's end) or non-ASCII text, and sets past
    /// the insertion sort's limit. The order must be the bytes', each value with its name, and
    /// for names all in ASCII also `String`'s.
    @Test(arguments: 0..<4)
    func labelSetsSortInTheOrderOfTheirNamesBytes(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let alphabet = Array("ab_Z9\u{0}é😀".unicodeScalars)
        let starts = ["", "instance", "instance_", "alertnam", "a"]
        let limit = Dictionary<String, String>.insertionSortLimit
        var ascii = 0, other = 0, long = 0
        for draw in 0..<500 {
            var labels: [String: String] = [:]
            // One set in five past the insertion sort's limit (names may repeat: more are drawn).
            let count = draw % 5 == 0 ? limit + 8 + Int(random.next() % 32) : Int(random.next() % 10)
            for _ in 0..<count {
                let tail = (0..<Int(random.next() % 6)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                var name = starts[Int(random.next() % UInt64(starts.count))] + String(String.UnicodeScalarView(tail))
                if random.next() % 2 == 0 { name = String(name.unicodeScalars.filter(\.isASCII)) }
                labels[name] = "v\(random.next() % 1_000)"
            }
            let names = Array(labels.keys)
            let byBytes = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let namesAreASCII = names.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
            labels.withPairsInByteOrder { pairs, reportedASCII in
                #expect(pairs.map(\.key) == byBytes)
                #expect(pairs.allSatisfy { labels[$0.key] == $0.value })
                #expect(reportedASCII == namesAreASCII)
                if namesAreASCII { #expect(pairs.map(\.key) == names.sorted(by: <)) }
            }
            if namesAreASCII { ascii += 1 } else { other += 1 }
            if labels.count > limit { long += 1 }
        }
        #expect(ascii > 100 && other > 100 && long > 50, "every kind of set is drawn")
    }
}
