import AlertgateCore

/// Turns span records (from either encoding) into alertgate signals: error spans become
/// trace signals, spans slower than their service's threshold become warnings, spans that
/// break the spec are rejected. Pure: the same records always give the same batch.
struct OTLPSignalMapper: Sendable {
    /// The service of spans whose resource has no `service.name` (the SDKs' own default).
    static let unknownService = "unknown_service"
    static let maxTitleBytes = 1024
    static let maxDescriptionBytes = 16 * 1024
    static let maxNameBytes = 512
    static let maxExceptionTypeBytes = 256
    static let maxServiceBytes = 256

    let slowSpanThresholds: [String: Duration]
    let encoding: OTLPEncoding

    func batch(from records: [OTLPSpanRecord]) -> OTLPTraceBatch {
        var batch = OTLPTraceBatch()
        for (item, record) in records.enumerated() {
            let service = Self.service(record.service)
            batch.spansByService[service, default: 0] += 1
            if let problem = problem(with: record) {
                batch.rejections.append(CodecError(code: "invalid_span", message: problem.message, field: problem.field, index: item))
                continue
            }
            if record.statusCode == 2 {
                batch.signals.append((item, errorSignal(record, service: service)))
            } else if let threshold = slowSpanThresholds[service], let signal = slowSignal(record, service: service, threshold: threshold) {
                batch.signals.append((item, signal))
            }
        }
        batch.rejectedSpans = batch.rejections.count
        if let first = batch.rejections.first {
            let count = batch.rejectedSpans == 1 ? "1 span was rejected" : "\(batch.rejectedSpans) spans were rejected"
            batch.rejectionMessage = "\(count); the first: \(first.message)"
        }
        return batch
    }

    // MARK: - Validation

    /// What makes a span invalid per the OTLP spec: ids of the wrong length or all zeros
    /// (an empty name is allowed).
    private func problem(with record: OTLPSpanRecord) -> (message: String, field: String)? {
        if let problem = record.problem { return (problem, record.path) }
        let traceField = "\(record.path).\(encoding == .json ? "traceId" : "trace_id")"
        let spanField = "\(record.path).\(encoding == .json ? "spanId" : "span_id")"
        if record.traceID.count != 16 {
            return ("`\(traceField)` must be 16 bytes, got \(record.traceID.count)", traceField)
        }
        if record.traceID.allSatisfy({ $0 == 0 }) {
            return ("`\(traceField)` must not be all zeros", traceField)
        }
        if record.spanID.count != 8 {
            return ("`\(spanField)` must be 8 bytes, got \(record.spanID.count)", spanField)
        }
        if record.spanID.allSatisfy({ $0 == 0 }) {
            return ("`\(spanField)` must not be all zeros", spanField)
        }
        return nil
    }

    // MARK: - Signals

    private func errorSignal(_ record: OTLPSpanRecord, service: String) -> Signal {
        let exceptionType = Self.truncate(record.exception?.type ?? "", maxBytes: Self.maxExceptionTypeBytes)
        let reason = !exceptionType.isEmpty ? exceptionType : (!record.statusMessage.isEmpty ? record.statusMessage : "error")
        var labels = identityLabels(record)
        labels["exception.type"] = exceptionType
        var details: [String] = []
        if let exception = record.exception {
            details = [exception.message, exception.stacktrace].filter { !$0.isEmpty }
        }
        if details.isEmpty, !record.statusMessage.isEmpty { details = [record.statusMessage] }
        return Signal(
            kind: .trace, source: .otlp, status: .firing, service: service,
            title: Self.truncate("\(Self.displayName(record.name)): \(reason)", maxBytes: Self.maxTitleBytes),
            description: details.isEmpty ? nil : Self.truncate(details.joined(separator: "\n\n"), maxBytes: Self.maxDescriptionBytes),
            severity: .error, labels: labels, occurredAt: occurredAt(record))
    }

    private func slowSignal(_ record: OTLPSpanRecord, service: String, threshold: Duration) -> Signal? {
        guard record.endTimeUnixNano > record.startTimeUnixNano else { return nil }
        let nanos = record.endTimeUnixNano - record.startTimeUnixNano
        let (seconds, attoseconds) = threshold.components
        let (whole, overflow) = UInt64(clamping: seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let thresholdNanos = overflow ? UInt64.max : whole.addingReportingOverflow(UInt64(clamping: attoseconds / 1_000_000_000)).partialValue
        guard nanos > thresholdNanos else { return nil }
        let limit = DurationText.format(threshold)
        var labels = identityLabels(record)
        labels["exception.type"] = "slow"
        labels["duration_ms"] = String(nanos / 1_000_000)
        return Signal(
            kind: .trace, source: .otlp, status: .firing, service: service,
            title: Self.truncate("\(Self.displayName(record.name)) slower than \(limit)", maxBytes: Self.maxTitleBytes),
            description: "took \(nanos / 1_000_000) ms; the threshold for \(service) is \(limit)",
            severity: .warning, labels: labels, occurredAt: occurredAt(record))
    }

    /// The labels every span signal carries. Trace and span ids are labels, never part of the
    /// fingerprint (`Fingerprint.of` uses only service, span name and exception type).
    private func identityLabels(_ record: OTLPSpanRecord) -> [String: String] {
        [
            "span.name": Self.truncate(record.name, maxBytes: Self.maxNameBytes),
            "trace_id": OTLPHex.encode(record.traceID),
            "span_id": OTLPHex.encode(record.spanID),
            "span.kind": Self.kindName(record.kind),
        ]
    }

    /// The span's end, else its start; nil when the sender gave neither.
    private func occurredAt(_ record: OTLPSpanRecord) -> Timestamp? {
        let nanos = record.endTimeUnixNano > 0 ? record.endTimeUnixNano : record.startTimeUnixNano
        guard nanos > 0 else { return nil }
        return Timestamp(milliseconds: Int64(nanos / 1_000_000))
    }

    // MARK: - Text

    static func service(_ name: String?) -> String {
        guard let name, !name.isEmpty else { return unknownService }
        return truncate(name, maxBytes: maxServiceBytes)
    }

    static func displayName(_ name: String) -> String {
        name.isEmpty ? "(unnamed span)" : truncate(name, maxBytes: maxNameBytes)
    }

    static func kindName(_ kind: Int) -> String {
        switch kind {
        case 1: "internal"
        case 2: "server"
        case 3: "client"
        case 4: "producer"
        case 5: "consumer"
        default: "unspecified"
        }
    }

    /// At most `maxBytes` of UTF-8, cut between characters.
    static func truncate(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var bytes = 0
        var end = text.startIndex
        for index in text.indices {
            let next = text.index(after: index)
            bytes += text.utf8.distance(from: index, to: next)
            if bytes > maxBytes { break }
            end = next
        }
        return String(text[..<end])
    }
}
