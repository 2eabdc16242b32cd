import Synchronization

/// OTLP span counters with fixed names, for `/metrics`: spans received per service and spans
/// rejected as invalid. Only requests answered 200 count, so a retried export is not counted
/// twice.
///
/// Service names come from senders, so the number of distinct ones is capped: past
/// `maxServices`, further services are counted under `service="_other"`.
public final class SpanCounters: Sendable {
    public static let maxServices = 1000
    static let otherService = "_other"

    private struct Counts {
        var spansByService: [String: Int64] = [:]
        var rejected: Int64 = 0
    }

    private let counts = Mutex(Counts())

    public init() {}

    /// Adds the spans of one accepted request.
    public func record(spansByService: [String: Int], rejected: Int) {
        counts.withLock { counts in
            for (service, count) in spansByService {
                let key = counts.spansByService[service] != nil || counts.spansByService.count < Self.maxServices ? service : Self.otherService
                counts.spansByService[key, default: 0] += Int64(count)
            }
            counts.rejected += Int64(rejected)
        }
    }

    /// Spans counted for `service` so far.
    public func spans(service: String) -> Int64 {
        counts.withLock { $0.spansByService[service] ?? 0 }
    }

    /// Spans rejected so far.
    public var rejectedSpans: Int64 {
        counts.withLock { $0.rejected }
    }

    /// Prometheus text lines: `alertgate_otlp_spans_total{service="..."} N` per service
    /// (sorted) and `alertgate_otlp_rejected_spans_total N`, each with HELP and TYPE.
    public func exposition() -> String {
        counts.withLock { counts in
            var lines: [String] = []
            lines.append("# HELP alertgate_otlp_spans_total OTLP spans received in accepted requests, by service.name.")
            lines.append("# TYPE alertgate_otlp_spans_total counter")
            for (service, count) in counts.spansByService.sorted(by: { $0.key < $1.key }) {
                lines.append("alertgate_otlp_spans_total{service=\"\(Self.escape(service))\"} \(count)")
            }
            lines.append("# HELP alertgate_otlp_rejected_spans_total OTLP spans rejected as invalid (reported back as partial success).")
            lines.append("# TYPE alertgate_otlp_rejected_spans_total counter")
            lines.append("alertgate_otlp_rejected_spans_total \(counts.rejected)")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// A Prometheus label value: backslash, double quote and line feed escaped.
    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
