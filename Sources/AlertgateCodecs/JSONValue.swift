/// Any JSON value: the first, untyped step of decoding a body, before each field is checked
/// and named in errors.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The deepest nesting accepted in any body.
    public static let maxDepth = 32

    /// Parses a whole body: valid UTF-8, at most `maxDepth` deep, then JSON.
    public static func parse(_ bytes: some Collection<UInt8>) throws(CodecError) -> JSONValue {
        let parsed: Result<JSONValue, CodecError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(CodecError) in try JSONParser.parse(buffer, maxDepth: maxDepth) }
        }
        if let parsed { return try parsed.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(CodecError) in try JSONParser.parse(buffer, maxDepth: maxDepth) }
    }

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
