import AlertgateCodecs
import AlertgateCore

/// A correlator as it looks a while after start: 1,000 firing alerts of 100 services, each
/// service with one open incident. Its alerts are Prometheus's captured alert with a service
/// and an `instance` of their own, decoded by the real codec.
enum WarmCorrelator {
    static let services = 100
    static let alertsPerService = 10

    /// When every signal of the benchmarks is received: the captured alert's `startsAt`, so
    /// nothing expires while they run.
    static let now = Fixtures.receivedAt

    /// The captured Prometheus alert, decoded.
    static let template: Signal = {
        do {
            let batch = try AlertmanagerAPICodec().decode(Fixtures.alertmanagerAPI, receivedAt: now)
            guard let signal = batch.signals.first?.signal else { fatalError("alertmanager-api fixture holds no alert") }
            return signal
        } catch {
            fatalError("alertmanager-api fixture does not decode: \(error)")
        }
    }()

    /// The alert of `service` with the given instance, fingerprinted as the codec would.
    static func alert(service: Int, instance: Int) -> Signal {
        var signal = template
        signal.service = "service-\(service)"
        signal.labels["service"] = signal.service
        signal.labels["instance"] = "10.\(service).\(instance / 250).\(instance % 250):9100"
        signal.fingerprint = .labels(signal.labels)
        return signal
    }

    /// A correlator holding `services × alertsPerService` firing alerts.
    static func make() -> Correlator {
        var correlator = Correlator()
        for instance in 0..<alertsPerService {
            for service in 0..<services {
                _ = correlator.ingest(alert(service: service, instance: instance), receivedAt: now)
            }
        }
        precondition(correlator.state.alerts.count == services * alertsPerService, "warm state must hold every alert")
        return correlator
    }
}
