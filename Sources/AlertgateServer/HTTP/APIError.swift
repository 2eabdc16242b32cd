import AlertgateCodecs
import AlertgateCore
import Foundation
import Hummingbird

/// Every error the HTTP API answers with: `{"error": {"code", "message", "field"}}` and a
/// fitting status. The one place where failures become HTTP.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Bad items of a batch in which no item was good.
    public var items: [CodecError] = []
    public var retryAfterSeconds: Int?
    /// For 401: how to authenticate (`WWW-Authenticate`).
    public var challenge: String?
    /// The limit the request passed, when that is the error (counted by the caller).
    public var limit: String?
    /// For 405: the methods the path answers (`Allow`).
    public var allow: [String] = []
    /// Answered as Alertmanager's API does: the message alone, as a JSON string, which is
    /// what `amtool` reads and prints.
    public var alertmanagerStyle = false

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if let challenge { headers[.wwwAuthenticate] = challenge }
        if !allow.isEmpty { headers[.allow] = allow.joined(separator: ", ") }
        if alertmanagerStyle {
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONOutput.encode(message))))
        }
        let body = ErrorBody(error: .init(code: code, message: message, field: field), errors: items.isEmpty ? nil : items.map(ItemErrorView.init))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONOutput.encode(body))))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(code, forKey: .code)
                try container.encode(message, forKey: .message)
                try container.encode(field, forKey: .field)
            }

            enum CodingKeys: String, CodingKey { case code, message, field }
        }

        var error: Detail
        var errors: [ItemErrorView]?
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) does not exist")
    }

    static func badRequest(_ codec: CodecError) -> APIError {
        var error = APIError(.badRequest, code: codec.code, message: codec.message, field: codec.field)
        if codec.index != nil { error.items = [codec] }
        return error
    }

    static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message: "`\(name)` \(message)", field: name)
    }

    /// Maps a pipeline or command failure to its answer.
    static func from(_ error: any Error) -> any Error {
        switch error {
        case let error as APIError: return error
        case PipelineError.overloaded:
            var answer = APIError(.serviceUnavailable, code: "overloaded", message: "the ingest queue is full; retry after a second")
            answer.retryAfterSeconds = 1
            return answer
        case PipelineError.shuttingDown:
            var answer = APIError(.serviceUnavailable, code: "shutting_down", message: "alertgate is shutting down; retry against another instance or later")
            answer.retryAfterSeconds = 5
            return answer
        case PipelineError.storeUnavailable:
            var answer = APIError(.serviceUnavailable, code: "store_unavailable", message: "the database cannot be read; nothing was stored, retry later")
            answer.retryAfterSeconds = 5
            return answer
        case PipelineError.storeFailed(let detail):
            var answer = APIError(.serviceUnavailable, code: "store_failed", message: "nothing was stored: \(detail)")
            answer.retryAfterSeconds = 1
            return answer
        case let error as CommandError:
            switch error.code {
            case .notFound: return APIError(.notFound, code: error.code.rawValue, message: error.message)
            case .invalidTransition: return APIError(.conflict, code: error.code.rawValue, message: error.message)
            case .missingNote: return APIError(.badRequest, code: error.code.rawValue, message: error.message, field: "note")
            case .missingText: return APIError(.badRequest, code: error.code.rawValue, message: error.message, field: "text")
            }
        default:
            return error
        }
    }
}

/// One bad item of a batch as the API shows it.
struct ItemErrorView: Encodable {
    var index: Int?
    var code: String
    var message: String
    var field: String?

    init(_ error: CodecError) {
        index = error.index
        code = error.code
        message = error.message
        field = error.field
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(field, forKey: .field)
    }

    enum CodingKeys: String, CodingKey { case index, code, message, field }
}
