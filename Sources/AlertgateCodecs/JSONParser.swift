/// A JSON parser (RFC 8259) that reads straight from the body's bytes into `JSONValue`.
///
/// It replaces a round trip through Foundation's `JSONDecoder` and `Decodable`, which cost
/// more than everything else on the ingest path. It checks the nesting depth as it goes,
/// validates the UTF-8 of each string (bytes outside strings must be ASCII anyway) and names
/// the byte offset of the first problem.
struct JSONParser: ~Copyable {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    private let maxDepth: Int

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses one JSON text: a value with only whitespace around it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(CodecError) -> JSONValue {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        do throws(CodecError) {
            parser.skipWhitespace()
            let value = try parser.value()
            parser.skipWhitespace()
            if parser.position < bytes.count { throw parser.syntax("unexpected data after the top-level value") }
            return value
        } catch {
            // A stray byte outside any string: name the real problem.
            if error.code == "invalid_json", !bytes.allSatisfy({ $0 < 0x80 }), !isValidUTF8(bytes) { throw .invalidUTF8 }
            throw error
        }
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    // MARK: - Values

    private mutating func value() throws(CodecError) -> JSONValue {
        guard position < bytes.count else { throw syntax("the body ends where a value should start") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw syntax("unexpected character '\(Self.printable(bytes[position]))'")
        }
    }

    private mutating func object() throws(CodecError) -> JSONValue {
        try enter()
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if try consume(UInt8(ascii: "}")) {
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw syntax("expected a member name in quotes") }
            let key = try string()
            skipWhitespace()
            guard try consume(UInt8(ascii: ":")) else { throw syntax("expected ':' after the member name") }
            skipWhitespace()
            members[key] = try value()
            skipWhitespace()
            if try consume(UInt8(ascii: ",")) { continue }
            guard try consume(UInt8(ascii: "}")) else { throw syntax("expected ',' or '}' in an object") }
            depth -= 1
            return .object(members)
        }
    }

    private mutating func array() throws(CodecError) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if try consume(UInt8(ascii: "]")) {
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            if try consume(UInt8(ascii: ",")) { continue }
            guard try consume(UInt8(ascii: "]")) else { throw syntax("expected ',' or ']' in an array") }
            depth -= 1
            return .array(elements)
        }
    }

    private mutating func enter() throws(CodecError) {
        depth += 1
        if depth > maxDepth { throw .tooDeep(maxDepth) }
    }

    private mutating func literal(_ word: StaticString) throws(CodecError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              word.withUTF8Buffer({ expected in expected.elementsEqual(bytes[position..<position + count]) })
        else { throw syntax("unexpected character '\(Self.printable(bytes[position]))'") }
        position += count
    }

    // MARK: - Strings

    /// Reads a string starting at its opening quote. Strings without escapes, the common
    /// case, become a `String` in one step from the body's bytes.
    private mutating func string() throws(CodecError) -> String {
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = try Self.text(UnsafeBufferPointer(rebasing: bytes[start..<position]))
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            if byte < 0x20 { throw syntax("a control character must be escaped in a string") }
            position += 1
        }
        throw syntax("a string is not closed")
    }

    private mutating func escapedString(from start: Int) throws(CodecError) -> String {
        var utf8: [UInt8] = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try utf8.withUnsafeBufferPointer { buffer throws(CodecError) in try Self.text(buffer) }
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw syntax("a string is not closed") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &utf8)
                default: throw syntax("unknown escape '\\\(Self.printable(escape))'")
                }
            default:
                if byte < 0x20 { throw syntax("a control character must be escaped in a string") }
                utf8.append(byte)
                position += 1
            }
        }
        throw syntax("a string is not closed")
    }

    /// Reads the four hex digits after `\u` (and a low surrogate's escape after a high one).
    private mutating func appendUnicodeEscape(to utf8: inout [UInt8]) throws(CodecError) {
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw syntax("a high surrogate escape is not followed by a low one")
            }
            position += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw syntax("a high surrogate escape is not followed by a low one") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw syntax("a low surrogate escape without a high one")
        }
        // Valid by construction: surrogates were paired above.
        utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
    }

    private mutating func hex4() throws(CodecError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw syntax("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntax("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private static func text(_ utf8: UnsafeBufferPointer<UInt8>) throws(CodecError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    // MARK: - Numbers

    /// Reads a number by JSON's grammar; integers of up to 15 digits are converted exactly
    /// without going through text.
    private mutating func number() throws(CodecError) -> Double {
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
            guard try skipDigits() else { throw syntax("a number needs digits after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard try skipDigits() else { throw syntax("a number needs digits in its exponent") }
        }
        if isInteger, digits <= 15 {
            let magnitude = Double(integer)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw syntax("the number \(text) is out of range") }
        return value
    }

    private mutating func skipDigits() throws(CodecError) -> Bool {
        let start = position
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        return position > start
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) throws(CodecError) -> Bool {
        guard position < bytes.count else { throw syntax("the body ends inside a value") }
        guard bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private func syntax(_ problem: String) -> CodecError {
        .invalidJSON("\(problem) at byte \(position)")
    }

    private static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}
