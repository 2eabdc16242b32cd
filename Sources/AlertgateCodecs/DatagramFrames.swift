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
        var frames: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            guard index + 4 <= bytes.count else { return nil }
            let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 4
            guard length <= bytes.count - index else { return nil }
            frames.append(Array(bytes[index..<(index + length)]))
            index += length
        }
        return frames
    }
}
