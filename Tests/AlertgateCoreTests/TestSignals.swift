import AlertgateCore

/// Hand-moved time for the correlator tests: seconds after 2026-11-29T04:00:00Z.
func at(_ seconds: Int64) -> Timestamp {
    Timestamp(milliseconds: 1_795_924_800_000 + seconds * 1000)
}

/// An alert-kind signal; its fingerprint comes from `name` (the alertname) and `service`.
func alert(
    _ service: String, _ name: String, status: SignalStatus = .firing, severity: Severity = .error,
    labels: [String: String] = [:], occurredAt: Timestamp? = nil
) -> Signal {
    Signal(kind: .alert, source: .events, status: status, service: service, title: name,
           severity: severity, labels: labels, occurredAt: occurredAt)
}

/// Ingests `signal` received at `seconds` and returns the outcome.
@discardableResult
func ingest(_ correlator: inout Correlator, _ signal: Signal, at seconds: Int64) -> Outcome {
    correlator.ingest(signal, receivedAt: at(seconds))
}
