import AlertgateCompression
import Foundation

/// One OTLP/HTTP request captured from the real OpenTelemetry Python SDK by
/// `scripts/capture-otlp-fixtures`: the body exactly as received (gzip bodies still gzipped)
/// and the headers it came with, from `fixtures/otlp/<name>.(bin|json)` and `<name>.meta.json`.
public struct OTLPFixture: Sendable {
    /// Every capture, protobuf first.
    public static let names = ["python-sdk-protobuf", "python-sdk-protobuf-gzip", "python-sdk-json"]

    /// `fixtures/otlp` in the package, found from this source file's path.
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/otlp")

    public let name: String
    /// The body as it came over the wire.
    public let body: [UInt8]
    public let path: String
    public let contentType: String
    public let contentEncoding: String?
    /// The SDK and exporter versions that sent it.
    public let capturedWith: String

    public init(_ name: String) throws {
        self.name = name
        let metaURL = Self.folder.appendingPathComponent("\(name).meta.json")
        guard let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: metaURL)) as? [String: Any],
              let contentType = meta["content_type"] as? String
        else {
            throw OTLPFixtureError(message: "\(metaURL.path) has no content_type")
        }
        self.contentType = contentType
        contentEncoding = meta["content_encoding"] as? String
        path = meta["path"] as? String ?? "/v1/traces"
        capturedWith = meta["captured_with"] as? String ?? ""
        let candidates = ["bin", "json"].map { Self.folder.appendingPathComponent("\(name).\($0)") }
        guard let bodyURL = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw OTLPFixtureError(message: "no body file for fixture \(name) in \(Self.folder.path)")
        }
        body = [UInt8](try Data(contentsOf: bodyURL))
    }

    /// The headers the exporter sent that matter to a server.
    public var headers: [String: String] {
        var headers = ["Content-Type": contentType]
        if let contentEncoding { headers["Content-Encoding"] = contentEncoding }
        return headers
    }

    /// The body with its `Content-Encoding` undone, as a codec sees it.
    public func decodedBody() throws -> [UInt8] {
        guard contentEncoding == "gzip" else { return body }
        return try Zlib.decompress(body, format: .gzip, limit: 64 << 20)
    }
}
