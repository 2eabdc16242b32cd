/// A cursor over the bytes of one syslog datagram. Every read checks bounds, so a parser
/// built on it cannot read past the end of a truncated message.
struct SyslogScanner {
    static let space: UInt8 = 0x20

    let bytes: ArraySlice<UInt8>
    var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    /// The next byte, without moving.
    var peek: UInt8? { isAtEnd ? nil : bytes[index] }

    /// Everything not read yet.
    var rest: ArraySlice<UInt8> { bytes[min(index, bytes.endIndex)...] }

    /// Moves past `byte` if it is next.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// Moves past `prefix` if the unread bytes start with it.
    mutating func skip(_ prefix: [UInt8]) -> Bool {
        guard rest.starts(with: prefix) else { return false }
        index += prefix.count
        return true
    }

    /// Reads bytes while `accept` holds (possibly none).
    mutating func take(while accept: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while let byte = peek, accept(byte) { index += 1 }
        return bytes[start..<index]
    }

    /// Reads up to the next space or the end, without the space.
    mutating func token() -> ArraySlice<UInt8> {
        take(while: { $0 != Self.space })
    }

    /// Reads exactly `count` bytes, or nothing if fewer are left.
    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, bytes.endIndex - index >= count else { return nil }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    /// Printable US-ASCII without space (RFC 5424's PRINTUSASCII, 33...126).
    static func isPrintable(_ byte: UInt8) -> Bool {
        (33...126).contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte)
    }

    /// The decimal value of an all-digit slice, nil if it is empty or holds anything else.
    static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// Text from the wire with a leading UTF-8 BOM removed and invalid UTF-8 replaced by U+FFFD.
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes
        return String(decoding: body, as: UTF8.self)
    }
}
