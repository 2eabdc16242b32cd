import AlertgateCore

/// Checks a protobuf `ExportTraceServiceRequest` against `OTLPLimits` by walking its framing
/// only, before anything is allocated for it, and counts its spans.
///
/// Why: an empty span or attribute costs 2 bytes on the wire but hundreds once decoded, so an
/// 8 MiB body could hold millions of them. Walking first lets the codec refuse such a body at
/// the cost of one pass over the bytes. The walk knows the fields that repeat messages
/// (spans, events, links, attributes, and `AnyValue` arrays and maps, at any depth) and skips
/// the rest.
enum OTLPWireScanner {
    private enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// The number of `resource_spans[].scope_spans[].spans[]`; throws when the framing is
    /// broken or a limit is passed.
    static func check(_ bytes: [UInt8], limits: OTLPLimits) throws(CodecError) -> Int {
        var walk = Walk(bytes: bytes, limits: limits)
        try forEachField(bytes, 0..<bytes.count) { (field, range) throws(CodecError) in
            guard field == 1 else { return }  // ExportTraceServiceRequest.resource_spans
            try walk.resourceSpans(range)
        }
        return walk.spans
    }

    /// The counts so far of one request.
    private struct Walk {
        let bytes: [UInt8]
        let limits: OTLPLimits
        var spans = 0
        /// Key-values and array values of every attribute list, at any depth.
        var attributes = 0

        mutating func resourceSpans(_ range: Range<Int>) throws(CodecError) {
            try forEachField(bytes, range) { (field, range) throws(CodecError) in
                switch field {
                case 1: try attributes(in: range, field: 1, path: "resource.attributes")  // ResourceSpans.resource
                case 2:  // ResourceSpans.scope_spans
                    try forEachField(bytes, range) { (field, range) throws(CodecError) in
                        switch field {
                        case 1: try attributes(in: range, field: 3, path: "scope.attributes")  // ScopeSpans.scope
                        case 2: try span(range)  // ScopeSpans.spans
                        default: break
                        }
                    }
                default: break
                }
            }
        }

        mutating func span(_ range: Range<Int>) throws(CodecError) {
            spans += 1
            if spans > limits.maxSpans {
                throw OTLPLimits.exceeded("too_many_spans", "a request may hold at most \(limits.maxSpans) spans", key: "otlp.max_spans")
            }
            var spanAttributes = 0, events = 0, links = 0
            try forEachField(bytes, range) { (field, range) throws(CodecError) in
                switch field {
                case 9:  // Span.attributes
                    spanAttributes += 1
                    if spanAttributes > limits.maxAttributesPerSpan {
                        throw OTLPLimits.exceeded("too_many_attributes", "a span may hold at most \(limits.maxAttributesPerSpan) attributes",
                                                  key: "otlp.max_attributes_per_span")
                    }
                    try keyValue(range, depth: 0)
                case 11:  // Span.events
                    events += 1
                    if events > limits.maxEventsPerSpan {
                        throw OTLPLimits.exceeded("too_many_events", "a span may hold at most \(limits.maxEventsPerSpan) events",
                                                  key: "otlp.max_events_per_span")
                    }
                    try attributes(in: range, field: 3, path: "events.attributes")  // Event.attributes
                case 13:  // Span.links
                    links += 1
                    if links > limits.maxEventsPerSpan {
                        throw OTLPLimits.exceeded("too_many_links", "a span may hold at most \(limits.maxEventsPerSpan) links",
                                                  key: "otlp.max_events_per_span")
                    }
                    try attributes(in: range, field: 4, path: "links.attributes")  // Link.attributes
                default: break
                }
            }
        }

        /// The attribute list at `field` of the message in `range`, held to the per-span limit.
        mutating func attributes(in range: Range<Int>, field attributeField: UInt64, path: String) throws(CodecError) {
            var count = 0
            try forEachField(bytes, range) { (field, range) throws(CodecError) in
                guard field == attributeField else { return }
                count += 1
                if count > limits.maxAttributesPerSpan {
                    throw OTLPLimits.exceeded("too_many_attributes", "`\(path)` may hold at most \(limits.maxAttributesPerSpan) attributes",
                                              key: "otlp.max_attributes_per_span")
                }
                try keyValue(range, depth: 0)
            }
        }

        /// A `KeyValue`: counted, and its value walked.
        mutating func keyValue(_ range: Range<Int>, depth: Int) throws(CodecError) {
            try countAttribute()
            try forEachField(bytes, range) { (field, range) throws(CodecError) in
                if field == 2 { try anyValue(range, depth: depth + 1) }  // KeyValue.value
            }
        }

        /// An `AnyValue`: arrays (5) and maps (6) hold more values, each counted.
        mutating func anyValue(_ range: Range<Int>, depth: Int) throws(CodecError) {
            guard depth <= OTLPLimits.maxValueDepth else {
                throw OTLPLimits.exceeded("too_deep", "attribute values nest deeper than \(OTLPLimits.maxValueDepth) levels", key: "otlp.value_depth")
            }
            try forEachField(bytes, range) { (field, range) throws(CodecError) in
                switch field {
                case 5:  // ArrayValue.values
                    try forEachField(bytes, range) { (field, range) throws(CodecError) in
                        guard field == 1 else { return }
                        try countAttribute()
                        try anyValue(range, depth: depth + 1)
                    }
                case 6:  // KeyValueList.values
                    try forEachField(bytes, range) { (field, range) throws(CodecError) in
                        if field == 1 { try keyValue(range, depth: depth + 1) }
                    }
                default: break
                }
            }
        }

        mutating func countAttribute() throws(CodecError) {
            attributes += 1
            if attributes > limits.maxAttributes {
                throw OTLPLimits.exceeded("too_many_attributes", "a request may hold at most \(limits.maxAttributes) attributes and values in all",
                                          key: "otlp.max_attributes")
            }
        }
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
