/// Counts the spans of a protobuf `ExportTraceServiceRequest` by walking its framing only,
/// before anything is allocated for them.
///
/// Why: an empty span costs 2 bytes on the wire but hundreds once decoded, so an 8 MiB body
/// could hold millions of them. Counting first lets the codec refuse such a body at the
/// cost of one pass over the bytes.
enum OTLPWireScanner {
    private enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// The number of `resource_spans[].scope_spans[].spans[]`; throws when the framing is
    /// broken or the count passes `limit`.
    static func countSpans(_ bytes: [UInt8], limit: Int) throws(CodecError) -> Int {
        var count = 0
        try forEachField(bytes, 0..<bytes.count) { (field, range) throws(CodecError) in
            guard field == 1 else { return }  // ExportTraceServiceRequest.resource_spans
            try forEachField(bytes, range) { (field, range) throws(CodecError) in
                guard field == 2 else { return }  // ResourceSpans.scope_spans
                try forEachField(bytes, range) { (field, _) throws(CodecError) in
                    guard field == 2 else { return }  // ScopeSpans.spans
                    count += 1
                    if count > limit {
                        throw CodecError(code: "too_many_spans", message: "a request may hold at most \(limit) spans", field: "resource_spans")
                    }
                }
            }
        }
        return count
    }

    /// Calls `body` with the field number and payload range of every length-delimited field
    /// in `range`, skipping the others.
    private static func forEachField(
        _ bytes: [UInt8], _ range: Range<Int>, _ body: (UInt64, Range<Int>) throws(CodecError) -> Void
    ) throws(CodecError) {
        var index = range.lowerBound
        while index < range.upperBound {
            let key = try varint(bytes, &index, end: range.upperBound)
            let field = key >> 3
            guard field > 0, let wireType = WireType(rawValue: key & 7) else {
                throw malformed("a field key is invalid at byte \(index)")
            }
            switch wireType {
            case .varint: _ = try varint(bytes, &index, end: range.upperBound)
            case .fixed64: try skip(8, &index, end: range.upperBound)
            case .fixed32: try skip(4, &index, end: range.upperBound)
            case .lengthDelimited:
                let length = try varint(bytes, &index, end: range.upperBound)
                guard length <= UInt64(range.upperBound - index) else { throw malformed("a length passes the end of its message at byte \(index)") }
                let start = index
                index += Int(length)
                try body(field, start..<index)
            }
        }
    }

    private static func varint(_ bytes: [UInt8], _ index: inout Int, end: Int) throws(CodecError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < end, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw malformed("a varint is cut off or too long at byte \(index)")
    }

    private static func skip(_ count: Int, _ index: inout Int, end: Int) throws(CodecError) {
        guard end - index >= count else { throw malformed("a fixed-size field passes the end of its message") }
        index += count
    }

    private static func malformed(_ detail: String) -> CodecError {
        CodecError(code: "invalid_protobuf", message: "the body is not a protobuf ExportTraceServiceRequest: \(detail)")
    }
}
