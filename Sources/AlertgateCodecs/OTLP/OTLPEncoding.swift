import Foundation

/// The two encodings of OTLP/HTTP. A request is answered in the encoding it came in, errors
/// included, as the OTLP specification asks of a server.
public enum OTLPEncoding: String, Sendable, CaseIterable {
    case protobuf
    case json

    /// The encoding a `Content-Type` names (`application/x-protobuf`, `application/protobuf`,
    /// `application/json`, parameters such as `; charset=utf-8` ignored), or nil for any other.
    public init?(contentType: String?) {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        switch mediaType.trimmingCharacters(in: .whitespaces).lowercased() {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    /// The `Content-Type` of an answer in this encoding.
    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}
