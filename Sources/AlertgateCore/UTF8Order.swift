/// The byte order of UTF-8 texts: how label names are sorted for a fingerprint (Alertmanager's
/// order, Go's order of strings) and in `PackedLabels`.
enum UTF8Order {
    /// Whether the UTF-8 bytes of `a` come before those of `b`. Compared over the contiguous
    /// bytes (`withUTF8`; a small string's are copied to the stack): `a.utf8` and
    /// `lexicographicallyPrecedes` go through the string's representation at every byte, and
    /// sorting label names that way was ~0.9 % of the server's CPU at a hundred alerts per POST
    /// (`perf record`, 2026-12-05).
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { first in
            b.withUTF8 { second in
                for index in 0..<min(first.count, second.count) where first[index] != second[index] {
                    return first[index] < second[index]
                }
                return first.count < second.count
            }
        }
    }
}
