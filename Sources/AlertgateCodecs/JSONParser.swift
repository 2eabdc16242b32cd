/// A JSON parser (RFC 8259) that reads straight from the body's bytes into `JSONValue`.
///
/// It replaces a round trip through Foundation's `JSONDecoder` and `Decodable`, which cost
/// more than everything else on the ingest path. The grammar, the depth limit, the UTF-8
/// checks and the errors naming the byte offset of the first problem are `JSONCursor`'s,
/// shared with the readers that decode a format straight from the bytes.
enum JSONParser {
    /// Parses one JSON text: a value with only whitespace around it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(CodecError) -> JSONValue {
        try JSONCursor.read(bytes, maxDepth: maxDepth) { cursor throws(CodecError) in try value(&cursor) }
    }

    private static func value(_ cursor: inout JSONCursor) throws(CodecError) -> JSONValue {
        switch cursor.next {
        case UInt8(ascii: "{"):
            var members: [String: JSONValue] = [:]
            try cursor.object { cursor, name throws(CodecError) in
                let key = try cursor.string(of: name)
                members[key] = try value(&cursor)
            }
            return .object(members)
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try cursor.array { cursor throws(CodecError) in elements.append(try value(&cursor)) }
            return .array(elements)
        case UInt8(ascii: "\""): return .string(try cursor.string())
        case UInt8(ascii: "t"): try cursor.literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try cursor.literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try cursor.literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try cursor.number())
        default: throw cursor.noValue()
        }
    }
}
