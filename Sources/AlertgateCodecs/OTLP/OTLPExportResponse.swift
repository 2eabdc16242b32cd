import Foundation
import SwiftProtobuf

/// The bodies of OTLP/HTTP answers, in the request's encoding: `ExportTraceServiceResponse`
/// on success (with `partial_success` when spans were rejected) and `google.rpc.Status` for
/// failures of protobuf requests. Here so the server needs no protobuf types of its own.
public enum OTLPExportResponse {
    /// The success body: empty (`{}` in JSON) when nothing was rejected.
    public static func success(rejectedSpans: Int, errorMessage: String?, encoding: OTLPEncoding) -> [UInt8] {
        switch encoding {
        case .protobuf:
            var response = OTLPExportTraceServiceResponse()
            if rejectedSpans > 0 {
                response.partialSuccess.rejectedSpans = Int64(rejectedSpans)
                response.partialSuccess.errorMessage = errorMessage ?? ""
            }
            return serialized(response)
        case .json:
            guard rejectedSpans > 0 else { return Array("{}".utf8) }
            // int64 is a string in OTLP/JSON.
            let partial: [String: String] = ["rejectedSpans": String(rejectedSpans), "errorMessage": errorMessage ?? ""]
            return json(["partialSuccess": partial])
        }
    }

    /// A `google.rpc.Status` (`code` = a gRPC code such as 3 INVALID_ARGUMENT, `message`), the
    /// error body the OTLP spec asks for when the request was protobuf.
    public static func rpcStatus(code: Int32, message: String) -> [UInt8] {
        var status = OTLPRpcStatus()
        status.code = code
        status.message = message
        return serialized(status)
    }

    private static func serialized(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        // Serializing a message built here cannot fail (no required fields, no Any).
        (try? message.serializedBytes()) ?? []
    }

    private static func json(_ value: [String: [String: String]]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }
}
