/// Many datagrams kept as one stored payload: each is framed by its length (4 bytes, big
/// endian), so one compressed row holds a whole batch and any datagram can be restored byte
/// for byte by its position.
public enum DatagramFrames {
    /// The content type of a framed payload.
    public static let contentType = "application/x-alertgate-datagrams"

    public static func encode(_ datagrams: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(datagrams.reduce(0) { $0 + $1.count + 4 })
        for datagram in datagrams {
            let length = UInt32(datagram.count)
            out.append(UInt8(length >> 24))
            out.append(UInt8(length >> 16 & 0xFF))
            out.append(UInt8(length >> 8 & 0xFF))
            out.append(UInt8(length & 0xFF))
            out.append(contentsOf: datagram)
        }
        return out
    }

    /// The datagrams of a framed payload; nil when the framing is broken.
    public static func decode(_ bytes: [UInt8]) -> [[UInt8]]? {
        ranges(of: bytes)?.map { Array(bytes[$0]) }
    }

    /// Where each datagram of a framed payload lies in it, found in one pass; nil when the
    /// framing is broken. For many look-ups in one payload, where `frame(_:of:)` would hop
    /// from the start each time.
    public static func ranges(of bytes: [UInt8]) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard let range = frameRange(at: index, in: bytes) else { return nil }
            ranges.append(range)
            index = range.upperBound
        }
        return ranges
    }

    /// Datagram `item` of a framed payload, found by hopping over the ones before it; nil
    /// when there is no such item or the framing is broken.
    public static func frame(_ item: Int, of bytes: [UInt8]) -> ArraySlice<UInt8>? {
        guard item >= 0 else { return nil }
        var index = 0
        for _ in 0..<item {
            guard let range = frameRange(at: index, in: bytes) else { return nil }
            index = range.upperBound
        }
        return frameRange(at: index, in: bytes).map { bytes[$0] }
    }

    /// The bytes of the frame whose length starts at `index`.
    private static func frameRange(at index: Int, in bytes: [UInt8]) -> Range<Int>? {
        guard index >= 0, index + 4 <= bytes.count else { return nil }
        let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        guard length <= bytes.count - index - 4 else { return nil }
        return (index + 4)..<(index + 4 + length)
    }
}
