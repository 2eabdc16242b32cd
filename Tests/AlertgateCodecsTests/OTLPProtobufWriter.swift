/// Writes OTLP protobuf by hand, field number by field number, independently of the
/// generated code: tests build requests the captures do not hold (bad ids, huge counts,
/// unknown fields) and cross-check the field numbers of the .proto.
struct OTLPProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ field: UInt64, _ value: UInt64) {
        key(field, wireType: 0)
        writeVarint(value)
    }

    mutating func fixed64(_ field: UInt64, _ value: UInt64) {
        key(field, wireType: 1)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func bytes(_ field: UInt64, _ value: [UInt8]) {
        key(field, wireType: 2)
        writeVarint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: UInt64, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    mutating func message(_ field: UInt64, _ build: (inout OTLPProtobufWriter) -> Void) {
        var inner = OTLPProtobufWriter()
        build(&inner)
        bytes(field, inner.bytes)
    }

    private mutating func key(_ field: UInt64, wireType: UInt64) {
        writeVarint(field << 3 | wireType)
    }

    private mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A `KeyValue` with a string `AnyValue`, in field `field`.
    mutating func attribute(_ field: UInt64, _ key: String, _ value: String) {
        message(field) { keyValue in
            keyValue.string(1, key)
            keyValue.message(2) { $0.string(1, value) }
        }
    }

    /// A whole `ExportTraceServiceRequest`: one resource with `service`, one scope, `spans`.
    static func request(service: String?, spans: [(inout OTLPProtobufWriter) -> Void]) -> [UInt8] {
        var request = OTLPProtobufWriter()
        request.message(1) { resourceSpans in
            resourceSpans.message(1) { resource in
                if let service { resource.attribute(1, "service.name", service) }
            }
            resourceSpans.message(2) { scopeSpans in
                scopeSpans.message(1) { $0.string(1, "tests") }
                for span in spans { scopeSpans.message(2, span) }
            }
        }
        return request.bytes
    }

    /// A span's fields; `statusCode` 2 is ERROR, `exceptionType` adds an `exception` event.
    static func span(
        traceID: [UInt8] = Array(1...16), spanID: [UInt8] = Array(1...8), name: String, kind: UInt64 = 2,
        start: UInt64 = 1_795_000_000_000_000_000, end: UInt64 = 1_795_000_000_250_000_000,
        statusCode: UInt64 = 2, statusMessage: String = "", exceptionType: String? = nil, exceptionMessage: String = ""
    ) -> (inout OTLPProtobufWriter) -> Void {
        { span in
            span.bytes(1, traceID)
            span.bytes(2, spanID)
            span.string(5, name)
            span.varint(6, kind)
            span.fixed64(7, start)
            span.fixed64(8, end)
            if let exceptionType {
                span.message(11) { event in
                    event.fixed64(1, end)
                    event.string(2, "exception")
                    event.attribute(3, "exception.type", exceptionType)
                    event.attribute(3, "exception.message", exceptionMessage)
                }
            }
            span.message(15) { status in
                if !statusMessage.isEmpty { status.string(2, statusMessage) }
                status.varint(3, statusCode)
            }
        }
    }
}
