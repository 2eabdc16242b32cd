import AlertgateCodecs
import AlertgateCore
import Benchmark

/// Each codec decoding a captured body into signals, and the JSON parse they share.
func codecBenchmarks() {
    let receivedAt = Fixtures.receivedAt

    Benchmark("AlertmanagerAPICodec 1 alert") { benchmark in
        blackHole(try AlertmanagerAPICodec().decode(Fixtures.alertmanagerAPI, receivedAt: receivedAt))
    } setup: {
        try expectSignals(1, AlertmanagerAPICodec().decode(Fixtures.alertmanagerAPI, receivedAt: receivedAt))
    }

    Benchmark("AlertmanagerAPICodec 100 alerts") { benchmark in
        blackHole(try AlertmanagerAPICodec().decode(Fixtures.alertmanagerAPIBatch100, receivedAt: receivedAt))
    } setup: {
        try expectSignals(100, AlertmanagerAPICodec().decode(Fixtures.alertmanagerAPIBatch100, receivedAt: receivedAt))
    }

    Benchmark("AlertmanagerWebhookCodec") { benchmark in
        blackHole(try AlertmanagerWebhookCodec(.alertmanager).decode(Fixtures.alertmanagerWebhook, receivedAt: receivedAt))
    } setup: {
        try expectSignals(1, AlertmanagerWebhookCodec(.alertmanager).decode(Fixtures.alertmanagerWebhook, receivedAt: receivedAt))
    }

    let pagerDuty = PagerDutyEventCodec()
    Benchmark("PagerDutyEventCodec trigger") { benchmark in
        blackHole(try pagerDuty.decode(Fixtures.pagerDutyTrigger, newKey: { "unused" }))
    }

    Benchmark("GenericEventCodec event") { benchmark in
        blackHole(try GenericEventCodec(.events).decode(Fixtures.event, contentType: "application/json"))
    } setup: {
        try expectSignals(1, GenericEventCodec(.events).decode(Fixtures.event, contentType: "application/json"))
    }

    Benchmark("GELFCodec") { benchmark in
        blackHole(try GELFCodec().decode(Fixtures.gelf))
    }

    let syslog = SyslogCodec()
    Benchmark("SyslogCodec RFC 5424") { benchmark in
        blackHole(try syslog.decode(Fixtures.syslog5424, receivedAt: receivedAt))
    }
    Benchmark("SyslogCodec RFC 3164") { benchmark in
        blackHole(try syslog.decode(Fixtures.syslog3164, receivedAt: receivedAt))
    }

    let otlp = OTLPTraceCodec()
    Benchmark("OTLPTraceCodec protobuf") { benchmark in
        blackHole(try otlp.decode(body: Fixtures.otlpProtobuf, contentType: "application/x-protobuf"))
    } setup: {
        try expectSpans(otlp.decode(body: Fixtures.otlpProtobuf, contentType: "application/x-protobuf"))
    }
    Benchmark("OTLPTraceCodec JSON") { benchmark in
        blackHole(try otlp.decode(body: Fixtures.otlpJSON, contentType: "application/json"))
    } setup: {
        try expectSpans(otlp.decode(body: Fixtures.otlpJSON, contentType: "application/json"))
    }

    Benchmark("JSONValue.parse webhook (0.9 KB)") { benchmark in
        blackHole(try JSONValue.parse(Fixtures.alertmanagerWebhook))
    }
    Benchmark("JSONValue.parse OTLP JSON (5.5 KB)") { benchmark in
        blackHole(try JSONValue.parse(Fixtures.otlpJSON))
    }
}

/// Stops the run if a fixture no longer decodes to what it holds, so a benchmark never
/// measures an error path by accident.
private func expectSignals(_ count: Int, _ batch: DecodedBatch) throws {
    guard batch.signals.count == count, batch.errors.isEmpty else {
        throw BenchmarkInputError("expected \(count) signal(s), got \(batch.signals.count) and errors \(batch.errors)")
    }
}

private func expectSpans(_ batch: OTLPTraceBatch) throws {
    guard batch.spanCount > 0, batch.rejectedSpans == 0 else {
        throw BenchmarkInputError("expected spans without rejections, got \(batch.spanCount) and \(batch.rejectedSpans) rejected")
    }
}
