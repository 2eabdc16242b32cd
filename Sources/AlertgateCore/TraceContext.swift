/// W3C Trace Context ids (https://www.w3.org/TR/trace-context/): a trace id is 32 lowercase
/// hex digits, not all zero; a `traceparent` is `version-traceid-parentid-flags`.
public enum TraceContext {
    /// The label a signal carries its trace id in (OTLP spans always; a check or an event when
    /// its sender knows the trace).
    public static let label = "trace_id"

    /// `text` as a trace id (case-blind), lowercased; nil when it is not one.
    public static func traceID(_ text: String) -> String? {
        let lowered = text.lowercased()
        guard lowered.utf8.count == 32, lowered.utf8.allSatisfy(isHex), lowered.utf8.contains(where: { $0 != 0x30 }) else { return nil }
        return lowered
    }

    /// The trace id of a `traceparent` header value; nil when it is not one. Version `ff` is
    /// invalid; a later version may carry more fields after the four.
    public static func traceID(traceparent: String) -> String? {
        let parts = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].utf8.count == 2, parts[0].utf8.allSatisfy(isHex), parts[0].lowercased() != "ff",
              parts[0] != "00" || parts.count == 4,
              parts[2].utf8.count == 16, parts[2].utf8.allSatisfy(isHex), parts[3].utf8.count == 2, parts[3].utf8.allSatisfy(isHex)
        else { return nil }
        return traceID(String(parts[1]))
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }
}

extension Signal {
    /// The trace this signal belongs to, when its `trace_id` label holds one.
    public var traceID: String? {
        labels[TraceContext.label].flatMap { TraceContext.traceID($0) }
    }
}
