/// Steps the direct decoders share. A direct decoder takes only what it reads exactly as the
/// reference reader (`JSONValue`) would: anything else makes it answer "not plain", and the
/// body goes to the reference reader instead.
extension JSONCursor {
    /// Walks the object at the cursor, each member once: `member` maps a name to its bit (0...7)
    /// for the check that no member comes twice (nil for a name the caller does not know), and
    /// `read` gets the cursor on the value with that bit and must read it, answering whether the
    /// object is still plain. A name with escapes, a member seen twice or a `read` that answers
    /// false makes it not plain; the rest is stepped over. Nil when the value is not an object
    /// (stepped over); else whether the object was plain.
    mutating func plainObject(
        member: (StringToken, borrowing JSONCursor) -> UInt8?,
        read: (inout JSONCursor, StringToken, UInt8?) throws(CodecError) -> Bool
    ) throws(CodecError) -> Bool? {
        guard next == UInt8(ascii: "{") else {
            try skipValue()
            return nil
        }
        var plain = true
        var seen: UInt8 = 0
        try object { cursor, name throws(CodecError) in
            guard plain, !name.hasEscapes else {
                plain = false
                return try cursor.skipValue()
            }
            let bit = member(name, cursor)
            if let bit {
                guard seen & 1 << bit == 0 else {
                    plain = false
                    return try cursor.skipValue()
                }
                seen |= 1 << bit
            }
            plain = try read(&cursor, name, bit)
        }
        return plain
    }

    /// A string of at most `maxBytes` (its text), or null (nil); anything else is stepped over
    /// and not plain (`plain` false).
    mutating func plainString(maxBytes: Int) throws(CodecError) -> (plain: Bool, text: String?) {
        switch next {
        case UInt8(ascii: "\""):
            let text = try string()
            return (text.utf8.count <= maxBytes, text)
        case UInt8(ascii: "n"):
            try skipValue()
            return (true, nil)
        default:
            try skipValue()
            return (false, nil)
        }
    }
}
