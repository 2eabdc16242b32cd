import AlertgateCore

/// Alertmanager API v2, `POST /api/v2/alerts`: what Prometheus sends to its Alertmanager.
///
/// The body is an array of alerts. Each alert's identity is Alertmanager's own label-set
/// fingerprint, so the same alert has the same id in both systems. An alert whose `endsAt`
/// lies in the past (at receipt) is a resolve; a firing alert carries `endsAt` forward, so it
/// resolves by itself when Prometheus stops resending it.
///
/// Alerts are read straight from the bytes (`AlertmanagerAlertScanner`), without a
/// `JSONValue` tree of the body. An alert that reader does not take as it is (an invalid one,
/// or a rare shape) is parsed on its own and read by `AlertmanagerAlertReader`, which names
/// the error. A problem with the JSON anywhere refuses the whole body, with the error parsing
/// it whole would give.
public struct AlertmanagerAPICodec: Sendable {
    public static let maxAlerts = 10_000

    public init() {}

    /// Decodes a body received at `receivedAt` (which decides whether `endsAt` has passed).
    public func decode(_ body: [UInt8], receivedAt: Timestamp) throws(CodecError) -> DecodedBatch {
        let alerts = try body.withUnsafeBufferPointer { bytes throws(CodecError) in
            try JSONCursor.read(bytes, maxDepth: JSONValue.maxDepth) { cursor throws(CodecError) -> (batch: DecodedBatch, count: Int)? in
                guard cursor.next == UInt8(ascii: "[") else {
                    try cursor.skipValue()
                    return nil
                }
                return try self.alerts(&cursor, receivedAt: receivedAt)
            }
        }
        guard let (batch, count) = alerts else {
            throw CodecError(code: "wrong_type", message: "the body must be a JSON array of alerts")
        }
        guard count > 0 else { throw CodecError(code: "empty_body", message: "the array holds no alerts") }
        guard count <= Self.maxAlerts else {
            throw CodecError(code: "too_many_items", message: "a body may hold at most \(Self.maxAlerts) alerts, got \(count)", limit: "batch_items")
        }
        return batch
    }

    /// Reads the array at the cursor: the decoded batch and how many items the array holds.
    /// Past `maxAlerts` items are only checked, as the body is refused once it is known to be JSON.
    private func alerts(_ cursor: inout JSONCursor, receivedAt: Timestamp) throws(CodecError) -> (batch: DecodedBatch, count: Int) {
        var batch = DecodedBatch()
        var scanner = AlertmanagerAlertScanner()
        var count = 0
        try cursor.array { cursor throws(CodecError) in
            let index = count
            count += 1
            guard index < Self.maxAlerts else { return try cursor.skipValue() }
            let start = cursor.position
            let alert: Result<AlertmanagerAlert, CodecError>
            if let scanned = try scanner.read(&cursor) {
                alert = .success(scanned)
            } else {
                // The alert's bytes are valid JSON by now, so only the reader can refuse them.
                let value = try JSONParser.parse(cursor.bytes(from: start), maxDepth: JSONValue.maxDepth)
                alert = Result { () throws(CodecError) in try AlertmanagerAlertReader(value).alert }
            }
            do throws(CodecError) {
                batch.signals.append((index, try signal(from: alert.get(), receivedAt: receivedAt)))
            } catch {
                batch.errors.append(error.at(index))
            }
        }
        return (batch, count)
    }

    /// The signal of one alert, read by either reader.
    func signal(from alert: AlertmanagerAlert, receivedAt: Timestamp) throws(CodecError) -> Signal {
        if let startsAt = alert.startsAt, let endsAt = alert.endsAt, endsAt < startsAt {
            throw .invalidValue("endsAt", "lies before startsAt")
        }
        let resolved = alert.endsAt.map { $0 <= receivedAt } ?? false
        return Signal(
            kind: .alert, source: .alertmanagerAPI, status: resolved ? .resolved : .firing,
            service: alert.service, title: alert.title, description: alert.description, severity: alert.severity,
            labels: alert.labels,
            // A firing alert is placed by its receipt: resends keep their first startsAt.
            occurredAt: resolved ? alert.endsAt : nil,
            links: alert.sourceLinks, sender: nil,
            endsAt: resolved ? nil : alert.endsAt,
            fingerprint: .labels(alert.labels))
    }
}
