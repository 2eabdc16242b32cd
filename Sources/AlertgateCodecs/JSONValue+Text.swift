import AlertgateCore

extension JSONValue {
    /// Compact JSON text of the value, keys sorted, for showing nested data as text.
    public var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text): return JSONQuoting.quoted(text)
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { JSONQuoting.quoted($0) + ":" + fields[$0]!.jsonText }.joined(separator: ",") + "}"
        }
    }
}
