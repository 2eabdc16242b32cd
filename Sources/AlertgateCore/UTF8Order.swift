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
    /// Calls `body` with the pairs sorted by their names' UTF-8 bytes (`UTF8Order`), and with
    /// whether every name is ASCII (then that order is also `String`'s), in a temporary buffer
    /// (on the stack for any usual label set: an array cost a malloc each time).
    /// Every signal's labels are sorted so for its fingerprint, a new alert's again for its
    /// packed form and a repeat's for its content digest: the sort compares the names' first
    /// eight bytes as one integer, read once per name, and their bytes only when those are
    /// equal. The standard sort, calling `UTF8Order.precedes` at every comparison, was ~3.4 % of
    /// the server's CPU samples a hundred alerts per POST, this one 0.4 % (`perf record`,
    /// 2026-12-06).
    func withPairsInByteOrder<Result>(_ body: (UnsafeMutableBufferPointer<(key: String, value: String)>, _ namesAreASCII: Bool) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: (key: String, value: String).self, capacity: count) { buffer in
            var pairs = buffer
            _ = pairs.initialize(fromContentsOf: self)
            defer { pairs.deinitialize() }
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { prefixes in
                var high: UInt8 = 0
                for index in pairs.indices {
                    var name = pairs[index].key
                    prefixes[index] = name.withUTF8 { bytes in
                        for byte in bytes { high |= byte }
                        // The first eight bytes, big-endian, zeros after a shorter name:
                        // integers in the order of those bytes.
                        var prefix: UInt64 = 0
                        for position in 0..<Swift.min(8, bytes.count) { prefix |= UInt64(bytes[position]) << (56 - 8 * position) }
                        return prefix
                    }
                }
                Self.sortByPrefix(pairs, prefixes)
                return body(pairs, high < 0x80)
            }
        }
    }

    /// Label sets past this many pairs are sorted by the standard sort (insertion sort is
    /// quadratic).
    static var insertionSortLimit: Int { 32 }

    /// Sorts `pairs` by their names' bytes, `prefixes` holding each name's first eight; equal
    /// prefixes (one name the start of the other, or a NUL byte) are told apart by the bytes.
    private static func sortByPrefix(_ pairs: UnsafeMutableBufferPointer<(key: String, value: String)>, _ prefixes: UnsafeMutableBufferPointer<UInt64>) {
        guard pairs.count > 1 else { return }
        guard pairs.count <= insertionSortLimit else {
            var pairs = pairs
            pairs.sort { UTF8Order.precedes($0.key, $1.key) }
            return
        }
        let base = pairs.baseAddress!
        for index in 1..<pairs.count {
            let prefix = prefixes[index]
            var slot = index
            func goesBefore(_ other: Int) -> Bool {
                prefixes[other] > prefix || (prefixes[other] == prefix && UTF8Order.precedes(base[index].key, base[other].key))
            }
            while slot > 0, goesBefore(slot - 1) { slot -= 1 }
            guard slot < index else { continue }
            let pair = (base + index).move()
            (base + slot + 1).moveInitialize(from: base + slot, count: index - slot)
            (base + slot).initialize(to: pair)
            for position in stride(from: index, to: slot, by: -1) { prefixes[position] = prefixes[position - 1] }
            prefixes[slot] = prefix
        }
    }
}
