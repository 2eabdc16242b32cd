import AlertgateCodecs
import AlertgateCompression
import Hummingbird
import NIOCore

/// Reads a request body within the size limit, undoing `Content-Encoding` with the same
/// limit on the decompressed size, so a compression bomb costs at most the limit.
struct RequestBodyReader: Sendable {
    let maxBytes: Int
    /// A compressed body may inflate to at most this many times its size.
    var maxCompressionRatio = 100
    /// The config key of the limit, named in 413 answers.
    var limitKey = "http.max_body_bytes"

    func read(_ request: Request) async throws -> [UInt8] {
        if let length = request.headers.first(.contentLength).flatMap(Int.init), length > maxBytes {
            throw tooLarge("the body has \(length) bytes")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge("the body is larger than that")
        }
        let raw = Array(buffer.readableBytesView)
        guard let header = request.headers[.contentEncoding] else { return raw }
        let encoding = header.lowercased().replacingOccurrences(of: " ", with: "")
        let format: Zlib.Format
        switch encoding {
        case "", "identity": return raw
        case "gzip", "x-gzip": format = .gzip
        case "deflate": format = GELFDatagram.kind(of: raw) == .zlib ? .zlib : .raw
        case "gzip,deflate", "deflate,gzip": format = GELFDatagram.kind(of: raw) == .zlib ? .zlib : .auto
        default:
            throw APIError(.unsupportedMediaType, code: "unsupported_encoding",
                           message: "Content-Encoding \(encoding) is not supported; use gzip, deflate or none", field: "Content-Encoding")
        }
        let (ratioLimit, overflow) = max(raw.count, 1).multipliedReportingOverflow(by: maxCompressionRatio)
        let limit = overflow ? maxBytes : min(maxBytes, ratioLimit)
        do {
            return try Zlib.decompress(raw, format: format, limit: limit)
        } catch .outputLimitExceeded {
            guard limit < maxBytes else { throw tooLarge("the decompressed body is larger than that") }
            var error = APIError(.contentTooLarge, code: "compression_ratio_too_high",
                                 message: "the \(encoding) body of \(raw.count) bytes inflates past \(maxCompressionRatio) times its size (http.max_compression_ratio)")
            error.limit = "http.max_compression_ratio"
            throw error
        } catch .truncated {
            throw APIError(.badRequest, code: "invalid_encoding", message: "the \(encoding) body ends before its compressed stream does", field: "Content-Encoding")
        } catch .corrupt(let detail) {
            throw APIError(.badRequest, code: "invalid_encoding", message: "the body is not valid \(encoding) data: \(detail)", field: "Content-Encoding")
        }
    }

    private func tooLarge(_ what: String) -> APIError {
        var error = APIError(.contentTooLarge, code: "body_too_large", message: "the limit is \(maxBytes) bytes (\(limitKey)) and \(what)")
        error.limit = limitKey
        return error
    }
}
