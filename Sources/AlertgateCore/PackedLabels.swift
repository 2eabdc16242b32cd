/// A label set packed into one buffer: how an alert (`AlertState`) and an outcome's new alert
/// (`AlertChange`) hold their labels, and what the writer encodes as JSON.
///
/// A `[String: String]` of Prometheus's five or six labels costs about 650 bytes of heap
/// (its storage plus a string for each value past 15 bytes); packed, the same labels take one
/// allocation of their bytes and a length byte or two each, about 130 bytes. (The correlator's
/// firing alerts keep only a digest of them: `LiveAlert.labelsDigest`.)
///
/// Layout: the number of pairs (LEB128), then the pairs sorted by the key's UTF-8 bytes, each
/// as the key's length (LEB128), its bytes, the value's length, its bytes; the empty set is
/// the empty buffer. The count lives in the buffer so that the value is one reference (8
/// bytes, not 16). Keys are unique, so two sets are equal exactly when their
/// buffers are. Labels compare by their bytes: two texts Swift holds equal by canonical
/// equivalence but spelled with different code points are different labels here, as they
/// already are to `Fingerprint`.
public struct PackedLabels: Hashable, Sendable {
    private var bytes: [UInt8]

    public init(_ labels: [String: String]) {
        guard !labels.isEmpty else {
            bytes = []
            return
        }
        bytes = labels.withPairsInByteOrder { pairs, _ in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(pairs.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 4 })
            Self.appendLength(pairs.count, to: &bytes)
            for (key, value) in pairs {
                Self.append(key, to: &bytes)
                Self.append(value, to: &bytes)
            }
            return bytes
        }
    }

    /// The number of pairs.
    public var count: Int {
        bytes.withUnsafeBufferPointer { bytes in
            var position = 0
            return bytes.isEmpty ? 0 : Self.length(in: bytes, at: &position)
        }
    }

    public var isEmpty: Bool { bytes.isEmpty }

    /// The packed bytes' count: the pairs' bytes and a few more, what an encoder reserves.
    public var byteCount: Int { bytes.count }

    /// The labels as a dictionary (allocates: for readers, not the hot path).
    public var dictionary: [String: String] {
        var labels: [String: String] = [:]
        labels.reserveCapacity(count)
        forEachPair { key, value in labels[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self) }
        return labels
    }

    /// The value of `key`, found by a scan (label sets are small).
    public subscript(key: String) -> String? {
        var key = key
        return key.withUTF8 { wanted in
            var found: String?
            forEachPair { name, value in
                if found == nil, name.elementsEqual(wanted) { found = String(decoding: value, as: UTF8.self) }
            }
            return found
        }
    }

    /// Calls `body` with each pair's key and value bytes (UTF-8), in the order of the keys' bytes.
    /// The buffers live only for the call. (Pointers, not slices of the array: a slice retains
    /// and releases the buffer, two of each per pair, and the writer and the correlator walk
    /// every new alert's labels.)
    public func forEachPair(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { bytes in
            guard !bytes.isEmpty else { return }
            var position = 0
            _ = Self.length(in: bytes, at: &position)
            while position < bytes.count {
                let key = Self.field(in: bytes, at: &position)
                let value = Self.field(in: bytes, at: &position)
                body(key, value)
            }
        }
    }

    /// Whether every name is ASCII, so that the names' byte order, this set's, is also the order
    /// of their `String`s (`<`).
    public var namesAreASCII: Bool {
        var ascii = true
        forEachPair { name, _ in
            if ascii, name.contains(where: { $0 >= 0x80 }) { ascii = false }
        }
        return ascii
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        // Over the contiguous bytes: appending `utf8` goes through the string's representation
        // at every byte.
        var text = text
        text.withUTF8 { utf8 in
            appendLength(utf8.count, to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    private static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        var length = length
        repeat {
            let low = UInt8(length & 0x7F)
            length >>= 7
            bytes.append(length == 0 ? low : low | 0x80)
        } while length != 0
    }

    private static func length(in bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> Int {
        var length = 0
        var shift = 0
        while true {
            let byte = bytes[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { return length }
        }
    }

    private static func field(in bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> UnsafeBufferPointer<UInt8> {
        let length = length(in: bytes, at: &position)
        defer { position += length }
        return UnsafeBufferPointer(rebasing: bytes[position..<position + length])
    }
}
