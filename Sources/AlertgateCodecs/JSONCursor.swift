/// A reading position in a JSON text (RFC 8259) over the body's UTF-8 bytes: JSON's grammar,
/// its nesting limit and its errors, without deciding what to build from the values.
///
/// Two kinds of reader share it. `JSONParser` builds a `JSONValue` tree of the whole body.
/// Readers of one format (`AlertmanagerAlertScanner`) take the values they need straight
/// from the bytes into typed fields and step over the rest with `skipValue()`, which checks
/// it as strictly but allocates nothing. Because both go through the same code, a body is
/// refused the same way, with the same error at the same byte offset, whichever reader
/// reads it.
///
/// The structure is walked with `object(_:)` and `array(_:)`, which call back at each member
/// or element with the cursor on its first byte; the callback must read exactly one value.
struct JSONCursor: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read. Moved only by the cursor's own methods (here and in its
    /// extensions for strings and numbers).
    var position = 0
    private var depth = 0
    private let maxDepth: Int
    /// Where a string with escapes is decoded: kept across strings, so that one body's
    /// escaped strings share one buffer.
    var scratch: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Reads one JSON text: `read` gets the cursor on the first byte of the value (after any
    /// whitespace) and must read that value; only whitespace may follow it.
    ///
    /// A syntax error in a body that is not valid UTF-8 is reported as `invalid_utf8`: a stray
    /// byte outside any string is the real problem there.
    static func read<Value>(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, _ read: (inout JSONCursor) throws(CodecError) -> Value
    ) throws(CodecError) -> Value {
        var cursor = JSONCursor(bytes, maxDepth: maxDepth)
        do throws(CodecError) {
            cursor.skipWhitespace()
            let result = try read(&cursor)
            cursor.skipWhitespace()
            if cursor.position < bytes.count { throw cursor.syntax("unexpected data after the top-level value") }
            return result
        } catch {
            if error.code == "invalid_json", !bytes.allSatisfy({ $0 < 0x80 }), !isValidUTF8(bytes) { throw .invalidUTF8 }
            throw error
        }
    }

    /// The byte at the cursor, 0 at the end of the body (0 never starts a value). Inside
    /// `object` and `array` callbacks it is the first byte of the value to read: `{`, `[`,
    /// `"`, `t`, `f`, `n`, a digit or `-` in valid JSON.
    var next: UInt8 {
        position < bytes.count ? bytes[position] : 0
    }

    /// The bytes from `start` up to the cursor: the text of a value just read.
    func bytes(from start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[start..<position])
    }

    // MARK: - Structure

    /// Walks the object at the cursor (on its `{`). For each member, in the order of the
    /// text, `member` gets the cursor on the member's value and the name's token (see
    /// `matches` and `string(of:)`); it must read the value.
    mutating func object(_ member: (inout JSONCursor, StringToken) throws(CodecError) -> Void) throws(CodecError) {
        try enter()
        position += 1
        skipWhitespace()
        if try consume(UInt8(ascii: "}")) {
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw syntax("expected a member name in quotes") }
            let name = try skipString()
            skipWhitespace()
            guard try consume(UInt8(ascii: ":")) else { throw syntax("expected ':' after the member name") }
            skipWhitespace()
            try member(&self, name)
            skipWhitespace()
            if try consume(UInt8(ascii: ",")) { continue }
            guard try consume(UInt8(ascii: "}")) else { throw syntax("expected ',' or '}' in an object") }
            depth -= 1
            return
        }
    }

    /// Walks the array at the cursor (on its `[`): `element` gets the cursor on each
    /// element's first byte and must read the element.
    mutating func array(_ element: (inout JSONCursor) throws(CodecError) -> Void) throws(CodecError) {
        try enter()
        position += 1
        skipWhitespace()
        if try consume(UInt8(ascii: "]")) {
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            if try consume(UInt8(ascii: ",")) { continue }
            guard try consume(UInt8(ascii: "]")) else { throw syntax("expected ',' or ']' in an array") }
            depth -= 1
            return
        }
    }

    /// Steps over the value at the cursor, checking it as `JSONParser` does (grammar, depth,
    /// UTF-8, numbers in range) without building or allocating anything for it.
    mutating func skipValue() throws(CodecError) {
        guard position < bytes.count else { throw noValue() }
        switch bytes[position] {
        case UInt8(ascii: "{"): try object { cursor, _ throws(CodecError) in try cursor.skipValue() }
        case UInt8(ascii: "["): try array { cursor throws(CodecError) in try cursor.skipValue() }
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
        default: throw noValue()
        }
    }

    /// The error where a value should start but none does.
    func noValue() -> CodecError {
        guard position < bytes.count else { return syntax("the body ends where a value should start") }
        return syntax("unexpected character '\(Self.printable(bytes[position]))'")
    }

    private mutating func enter() throws(CodecError) {
        depth += 1
        if depth > maxDepth { throw .tooDeep(maxDepth) }
    }

    mutating func literal(_ word: StaticString) throws(CodecError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              word.withUTF8Buffer({ expected in expected.elementsEqual(bytes[position..<position + count]) })
        else { throw syntax("unexpected character '\(Self.printable(bytes[position]))'") }
        position += count
    }

    // MARK: - Helpers

    mutating func skipWhitespace() {
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

    /// A syntax error at the cursor.
    func syntax(_ problem: String) -> CodecError {
        .invalidJSON("\(problem) at byte \(position)")
    }

    static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
