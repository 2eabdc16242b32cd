extension JSONCursor {
    /// Where a string just read lies in the body. Without escapes, the bytes between the
    /// quotes are its text, and a reader can compare or parse them in place.
    struct StringToken {
        /// The first byte after the opening quote.
        let start: Int
        /// The closing quote.
        let end: Int
        /// Whether the string holds escapes: then the bytes between the quotes are not its text.
        let hasEscapes: Bool

        /// The string's length as written: its text is never longer.
        var writtenCount: Int { end - start }
    }

    /// Reads the string at the cursor (on its opening quote). A string without escapes, the
    /// common case, becomes a `String` in one step from the body's bytes.
    mutating func string() throws(CodecError) -> String {
        let token = try scanString(decode: true)
        // Checked as UTF-8 by the scan, so `decoding` repairs nothing; it is also the
        // standard library's fast path, where `String(validating:)` is generic at run time.
        if token.hasEscapes { return scratch.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) } }
        return String(decoding: writtenBytes(of: token), as: UTF8.self)
    }

    /// Steps over the string at the cursor (on its opening quote), checking it as `string()`
    /// does, UTF-8 included, without allocating.
    mutating func skipString() throws(CodecError) -> StringToken {
        try scanString(decode: false)
    }

    /// The text of a string this cursor stepped over: a member name from `object`, say.
    mutating func string(of token: StringToken) throws(CodecError) -> String {
        guard token.hasEscapes else {
            // Checked as UTF-8 when it was stepped over.
            return String(decoding: writtenBytes(of: token), as: UTF8.self)
        }
        let resume = position
        position = token.start - 1
        defer { position = resume }
        return try string()
    }

    /// Whether the string's text is `word`, compared byte for byte (a string with escapes
    /// never matches: a reader that must know what it says reads `string(of:)`).
    func matches(_ token: StringToken, _ word: StaticString) -> Bool {
        guard !token.hasEscapes, token.writtenCount == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { expected in
            for offset in 0..<expected.count where expected[offset] != bytes[token.start + offset] { return false }
            return true
        }
    }

    /// The bytes between the quotes of a string without escapes: its UTF-8 text.
    func writtenBytes(of token: StringToken) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[token.start..<token.end])
    }

    /// Reads a string from its opening quote past its closing one, checking it as JSON and
    /// as UTF-8 (at its closing quote, as the parser always has). With `decode`, the text of
    /// a string with escapes is left in `scratch`.
    private mutating func scanString(decode: Bool) throws(CodecError) -> StringToken {
        position += 1
        let start = position
        var any: UInt8 = 0 // every byte or-ed together: 0x80 is set when one is not ASCII
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if any >= 0x80, !Self.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[start..<position])) { throw .invalidUTF8 }
                position += 1
                return StringToken(start: start, end: position - 1, hasEscapes: false)
            }
            if byte == UInt8(ascii: "\\") { return try scanEscapedString(from: start, decode: decode) }
            if byte < 0x20 { throw syntax("a control character must be escaped in a string") }
            any |= byte
            position += 1
        }
        throw syntax("a string is not closed")
    }

    /// The rest of a string from its first backslash. The bytes between escapes are kept
    /// and checked a run at a time: an escape always stands for whole characters, so the
    /// string is valid UTF-8 exactly when every run is.
    private mutating func scanEscapedString(from start: Int, decode: Bool) throws(CodecError) -> StringToken {
        if decode { scratch.removeAll(keepingCapacity: true) }
        var run = start
        var valid = true
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                endRun(from: run, decode: decode, valid: &valid)
                guard valid else { throw .invalidUTF8 }
                position += 1
                return StringToken(start: start, end: position - 1, hasEscapes: true)
            case UInt8(ascii: "\\"):
                endRun(from: run, decode: decode, valid: &valid)
                position += 1
                guard position < bytes.count else { throw syntax("a string is not closed") }
                let escape = bytes[position]
                position += 1
                let decoded: UInt8
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded = escape
                case UInt8(ascii: "b"): decoded = 0x08
                case UInt8(ascii: "f"): decoded = 0x0C
                case UInt8(ascii: "n"): decoded = 0x0A
                case UInt8(ascii: "r"): decoded = 0x0D
                case UInt8(ascii: "t"): decoded = 0x09
                case UInt8(ascii: "u"):
                    let scalar = try unicodeEscape()
                    if decode { UTF8.encode(scalar) { scratch.append($0) } }
                    run = position
                    continue
                default: throw syntax("unknown escape '\\\(Self.printable(escape))'")
                }
                if decode { scratch.append(decoded) }
                run = position
            default:
                if byte < 0x20 { throw syntax("a control character must be escaped in a string") }
                position += 1
            }
        }
        throw syntax("a string is not closed")
    }

    /// The run of bytes since the last escape, up to the cursor: checked as UTF-8, and kept
    /// when decoding.
    private mutating func endRun(from run: Int, decode: Bool, valid: inout Bool) {
        let bytes = UnsafeBufferPointer(rebasing: bytes[run..<position])
        if decode { scratch.append(contentsOf: bytes) }
        if valid, !bytes.allSatisfy({ $0 < 0x80 }) { valid = Self.isValidUTF8(bytes) }
    }

    /// Reads the four hex digits after `\u` (and a low surrogate's escape after a high one).
    private mutating func unicodeEscape() throws(CodecError) -> Unicode.Scalar {
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
        return Unicode.Scalar(scalar)!
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
}
