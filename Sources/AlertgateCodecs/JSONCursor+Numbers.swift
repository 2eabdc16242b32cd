extension JSONCursor {
    /// Reads a number by JSON's grammar; integers of up to 15 digits are converted exactly
    /// without going through text. Out of `Double`'s range is an error.
    mutating func number() throws(CodecError) -> Double {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < bytes.count, Self.isDigit(bytes[position]) else { throw syntax("a number needs digits") }
        var integer: UInt64 = 0
        var digits = 0
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, Self.isDigit(bytes[position]) { throw syntax("a number must not start with 0") }
            digits = 1
        } else {
            while position < bytes.count, Self.isDigit(bytes[position]) {
                if digits < 18 { integer = integer * 10 + UInt64(bytes[position] - UInt8(ascii: "0")) }
                digits += 1
                position += 1
            }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard skipDigits() else { throw syntax("a number needs digits after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() else { throw syntax("a number needs digits in its exponent") }
        }
        if isInteger, digits <= 15 {
            let magnitude = Double(integer)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw syntax("the number \(text) is out of range") }
        return value
    }

    private mutating func skipDigits() -> Bool {
        let start = position
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        return position > start
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
