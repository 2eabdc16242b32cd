import AlertgateCore
import Foundation
import SwiftProtobuf

/// Reads a protobuf `ExportTraceServiceRequest` (the generated `OTLP*` types) into span
/// records. Field names in messages are those of the .proto (`resource_spans[0]...`).
enum OTLPProtobufReader {
    /// Nesting accepted in a body; `AnyValue` arrays and maps are the only deep part.
    static let messageDepthLimit = 64

    static func records(_ body: [UInt8], limits: OTLPLimits) throws(CodecError) -> [OTLPSpanRecord] {
        let spanCount = try OTLPWireScanner.check(body, limits: limits)
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = messageDepthLimit
        options.discardUnknownFields = true
        let request: OTLPExportTraceServiceRequest
        do {
            request = try OTLPExportTraceServiceRequest(serializedBytes: body, options: options)
        } catch {
            throw CodecError(code: "invalid_protobuf", message: "the body is not a protobuf ExportTraceServiceRequest: \(error)")
        }
        var records: [OTLPSpanRecord] = []
        records.reserveCapacity(spanCount)
        for (resourceIndex, resourceSpans) in request.resourceSpans.enumerated() {
            let service = resourceSpans.resource.attributes.first { $0.key == "service.name" }.flatMap { text($0.value) }
            for (scopeIndex, scopeSpans) in resourceSpans.scopeSpans.enumerated() {
                for (spanIndex, span) in scopeSpans.spans.enumerated() {
                    let path = "resource_spans[\(resourceIndex)].scope_spans[\(scopeIndex)].spans[\(spanIndex)]"
                    records.append(record(span, service: service, path: path))
                }
            }
        }
        return records
    }

    private static func record(_ span: OTLPSpan, service: String?, path: String) -> OTLPSpanRecord {
        let statusCode = span.status.code.rawValue
        var exception: OTLPSpanRecord.Exception?
        if statusCode == 2, let event = span.events.first(where: { $0.name == "exception" }) {
            func attribute(_ key: String) -> String {
                event.attributes.first { $0.key == key }.flatMap { text($0.value) } ?? ""
            }
            exception = .init(type: attribute("exception.type"), message: attribute("exception.message"), stacktrace: attribute("exception.stacktrace"))
        }
        return OTLPSpanRecord(
            service: service, traceID: [UInt8](span.traceID), spanID: [UInt8](span.spanID), name: span.name,
            kind: span.kind.rawValue, startTimeUnixNano: span.startTimeUnixNano, endTimeUnixNano: span.endTimeUnixNano,
            statusCode: statusCode, statusMessage: span.status.message, exception: exception, path: path)
    }

    /// An attribute value as text: strings as they are, scalars printed; arrays, maps and
    /// bytes give nil (alertgate reads none of those).
    static func text(_ value: OTLPAnyValue) -> String? {
        switch value.value {
        case .stringValue(let text)?: text
        case .boolValue(let flag)?: String(flag)
        case .intValue(let number)?: String(number)
        case .doubleValue(let number)?: String(number)
        default: nil
        }
    }
}
