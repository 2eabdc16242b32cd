import AlertgateCodecs
import AlertgateCore
import Benchmark

/// Fingerprinting and one correlator step, the pure work every signal goes through.
func coreBenchmarks() {
    // Sub-microsecond work: 1,000 calls a sample keep the timer out of the figure.
    let perThousand = Benchmark.Configuration(scalingFactor: .kilo)

    let event = decoded("the README event") {
        try GenericEventCodec(.events).decode(Fixtures.event, contentType: "application/json").signals.first?.signal
    }
    Benchmark("Fingerprint.of event (labels)", configuration: perThousand) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Fingerprint.of(event))
        }
    }

    let logLine = decoded("syslog/rfc3164-auth-info.txt") {
        try SyslogCodec().decode(Fixtures.syslog3164, receivedAt: Fixtures.receivedAt)
    }
    Benchmark("Fingerprint.of syslog (masked)", configuration: perThousand) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Fingerprint.of(logLine))
        }
    }

    // A new alert of a service that already has an open incident: it attaches. Each iteration
    // makes its signal outside the measurement, so the state grows by one alert a step.
    var attaching = Correlator()
    var nextInstance = WarmCorrelator.alertsPerService
    Benchmark("Correlator.ingest new alert (1k live)") { benchmark in
        let signal = WarmCorrelator.alert(service: nextInstance % WarmCorrelator.services, instance: nextInstance)
        nextInstance += 1
        benchmark.startMeasurement()
        blackHole(attaching.ingest(signal, receivedAt: WarmCorrelator.now))
        benchmark.stopMeasurement()
    } setup: {
        attaching = WarmCorrelator.make()
    }

    // Prometheus resending a firing alert: the common case under its resend interval.
    var repeating = Correlator()
    let resent = WarmCorrelator.alert(service: 42, instance: 7)
    Benchmark("Correlator.ingest repeat (1k live)", configuration: perThousand) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(repeating.ingest(resent, receivedAt: WarmCorrelator.now))
        }
    } setup: {
        repeating = WarmCorrelator.make()
        precondition(repeating.ingest(resent, receivedAt: WarmCorrelator.now).decision == .repeat, "the resent alert must be a repeat")
    }
}

/// The signal a fixture decodes to; a fixture that stops decoding stops the run.
private func decoded(_ fixture: String, _ decode: () throws -> Signal?) -> Signal {
    do {
        guard let signal = try decode() else { fatalError("\(fixture) decodes to no signal") }
        return signal
    } catch {
        fatalError("\(fixture) does not decode: \(error)")
    }
}
