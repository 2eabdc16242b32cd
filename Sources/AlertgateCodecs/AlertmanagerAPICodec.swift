import AlertgateCore

/// Alertmanager API v2, `POST /api/v2/alerts`: what Prometheus sends to its Alertmanager.
///
/// The body is an array of alerts. Each alert's identity is Alertmanager's own label-set
/// fingerprint, so the same alert has the same id in both systems. An alert whose `endsAt`
/// lies in the past (at receipt) is a resolve; a firing alert carries `endsAt` forward, so it
/// resolves by itself when Prometheus stops resending it.
public struct AlertmanagerAPICodec: Sendable {
    public static let maxAlerts = 10_000

    public init() {}

    /// Decodes a body received at `receivedAt` (which decides whether `endsAt` has passed).
    public func decode(_ body: [UInt8], receivedAt: Timestamp) throws(CodecError) -> DecodedBatch {
        guard case .array(let items) = try JSONValue.parse(body) else {
            throw CodecError(code: "wrong_type", message: "the body must be a JSON array of alerts")
        }
        guard !items.isEmpty else { throw CodecError(code: "empty_body", message: "the array holds no alerts") }
        guard items.count <= Self.maxAlerts else {
            throw CodecError(code: "too_many_items", message: "a body may hold at most \(Self.maxAlerts) alerts, got \(items.count)", limit: "batch_items")
        }
        var batch = DecodedBatch()
        for (index, item) in items.enumerated() {
            do throws(CodecError) {
                batch.signals.append((index, try signal(from: item, receivedAt: receivedAt)))
            } catch {
                batch.errors.append(error.at(index))
            }
        }
        return batch
    }

    func signal(from value: JSONValue, receivedAt: Timestamp) throws(CodecError) -> Signal {
        let alert = try AlertmanagerAlertReader(value)
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
            links: alert.links(), sender: nil,
            endsAt: resolved ? nil : alert.endsAt,
            fingerprint: .labels(alert.labels))
    }
}
