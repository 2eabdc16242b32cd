import AlertgateCore
import Foundation
import Hummingbird
import HummingbirdCore

/// Typed access to query parameters; errors name the parameter. The query is decoded as a
/// form, as browsers, Python's and Go's URL encoders write it: `+` is a space, `%2B` a plus.
/// An empty value counts as absent.
struct QueryParameters {
    /// Every name with its values, in order.
    let values: [String: [String]]

    init(_ uri: URI) {
        var values: [String: [String]] = [:]
        for pair in (uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
            values[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        self.values = values
    }

    /// Every value of a repeated parameter (`filter=a&filter=b`), empty ones included.
    func all(_ name: String) -> [String] {
        values[name] ?? []
    }

    func text(_ name: String) -> String? {
        values[name]?.first.flatMap { $0.isEmpty ? nil : $0 }
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
