/// Why a body or one item of a batch could not be decoded: a stable code, a sentence saying
/// what to fix, and the field (a dotted path) it concerns.
public struct CodecError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var field: String?
    /// The item's position in a batch, when the error concerns one item.
    public var index: Int?
    /// The limit the input passed, when that is the error (`json_depth`, `label_count`,
    /// `otlp.max_spans`...): counted in `alertgate_limits_hit_total`.
    public var limit: String?

    public init(code: String, message: String, field: String? = nil, index: Int? = nil, limit: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.index = index
        self.limit = limit
    }

    public var description: String {
        [index.map { "item \($0)" }, field.map { "field \($0)" }, message].compactMap { $0 }.joined(separator: ": ")
    }

    public static func invalidJSON(_ detail: String) -> CodecError {
        CodecError(code: "invalid_json", message: "the body is not valid JSON: \(detail)")
    }

    public static let invalidUTF8 = CodecError(code: "invalid_utf8", message: "the body is not valid UTF-8")

    public static func tooDeep(_ limit: Int) -> CodecError {
        CodecError(code: "too_deep", message: "the JSON nests deeper than \(limit) levels", limit: "json_depth")
    }

    public static func missing(_ field: String) -> CodecError {
        CodecError(code: "missing_field", message: "`\(field)` is required", field: field)
    }

    public static func wrongType(_ field: String, expected: String) -> CodecError {
        CodecError(code: "wrong_type", message: "`\(field)` must be \(expected)", field: field)
    }

    public static func invalidValue(_ field: String, _ message: String) -> CodecError {
        CodecError(code: "invalid_value", message: "`\(field)` \(message)", field: field)
    }

    public static func tooLong(_ field: String, limit: Int) -> CodecError {
        CodecError(code: "too_long", message: "`\(field)` is longer than \(limit) bytes", field: field, limit: "string_bytes")
    }

    func at(_ index: Int) -> CodecError {
        var copy = self
        copy.index = index
        return copy
    }
}
