extension Fingerprint {
    /// The hash inside a log signal's fingerprint (`Fingerprint.of` for `.log`: app, host and
    /// the masked title), computed from the bytes of its parts without making a signal, a
    /// masked string or the hex text: `hex16` of it is the fingerprint. A UDP listener keys
    /// repeats of one log line with it before decoding them.
    public static func logHash(app: ArraySlice<UInt8>, host: ArraySlice<UInt8>, title: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = FNV1a64()
        func field(_ name: StaticString, _ value: ArraySlice<UInt8>) {
            name.withUTF8Buffer { for byte in $0 { hash.combine(byte: byte) } }
            hash.combine(byte: 0xFF)
            for byte in value { hash.combine(byte: byte) }
            hash.combine(byte: 0xFF)
        }
        field("app", app)
        field("host", host)
        ("message" as StaticString).withUTF8Buffer { for byte in $0 { hash.combine(byte: byte) } }
        hash.combine(byte: 0xFF)
        MessageMask.combineMasked(title, into: &hash)
        hash.combine(byte: 0xFF)
        return hash.value
    }
}

extension MessageMask {
    /// Feeds `hash` the bytes `mask` would make of `message`, in one pass and without making
    /// them: a token holding a digit is fed as `#`, everything else as it is.
    public static func combineMasked(_ message: UnsafeBufferPointer<UInt8>, into hash: inout FNV1a64) {
        var tokenStart = 0
        var tokenHasDigit = false
        func endToken(at end: Int) {
            if tokenHasDigit {
                hash.combine(byte: UInt8(ascii: "#"))
            } else {
                for index in tokenStart..<end { hash.combine(byte: message[index]) }
            }
            tokenHasDigit = false
        }
        for index in 0..<message.count {
            let byte = message[index]
            if isTokenByte(byte) {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { tokenHasDigit = true }
            } else {
                endToken(at: index)
                hash.combine(byte: byte)
                tokenStart = index + 1
            }
        }
        endToken(at: message.count)
    }

    /// Letters, digits, `-._:` and any non-ASCII byte: what a token is made of.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
            || byte >= 0x80 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_")
    }
}
