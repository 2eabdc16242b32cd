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

extension Dictionary where Key == String, Value == String {
    /// Calls `body` with the pairs sorted by `areInIncreasingOrder` (on their names), in a
    /// temporary buffer: on the stack for any usual label set. A new alert's labels are sorted
    /// for its fingerprint and its packed form, a repeat's for its digest, and an array each
    /// cost a malloc.
    func withPairsSorted<Result>(by areInIncreasingOrder: (String, String) -> Bool,
                                 _ body: (UnsafeMutableBufferPointer<(key: String, value: String)>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: (key: String, value: String).self, capacity: count) { buffer in
            var pairs = buffer
            _ = pairs.initialize(fromContentsOf: self)
            defer { pairs.deinitialize() }
            pairs.sort { areInIncreasingOrder($0.key, $1.key) }
            return body(pairs)
        }
    }
}
