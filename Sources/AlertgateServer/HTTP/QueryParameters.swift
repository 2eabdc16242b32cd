import AlertgateCore
import Hummingbird

/// Typed access to query parameters; errors name the parameter.
struct QueryParameters {
    let parameters: Parameters

    init(_ parameters: Parameters) {
        self.parameters = parameters
    }

    func text(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : String($0) }
    }

    func integer(_ name: String) throws -> Int64? {
        guard let text = text(name) else { return nil }
        guard let value = Int64(text) else { throw APIError.invalidParameter(name, "must be an integer, got \"\(text)\"") }
        return value
    }

    func time(_ name: String) throws -> Timestamp? {
        guard let text = text(name) else { return nil }
        guard let time = RFC3339.parse(text) else { throw APIError.invalidParameter(name, "must be an RFC 3339 time, got \"\(text)\"") }
        return time
    }

    /// A comma-separated list, each value checked by `parse`.
    func list<T>(_ name: String, _ parse: (String) -> T?) throws -> [T] {
        guard let text = text(name) else { return [] }
        return try text.split(separator: ",").map { part in
            guard let value = parse(String(part)) else { throw APIError.invalidParameter(name, "has an unknown value \"\(part)\"") }
            return value
        }
    }
}
