import AlertgateCore
import AlertgateCompression
import Foundation

/// The captured payloads under the repository's `fixtures/`, the same bytes the golden tests
/// decode, read once when the suite starts. A missing file stops the run with its path.
enum Fixtures {
    /// `fixtures/` of the repository this package sits in (or `ALERTGATE_FIXTURES`).
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["ALERTGATE_FIXTURES"] {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        // <repo>/Benchmarks/Benchmarks/AlertgateBenchmarks/Fixtures.swift
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("fixtures", isDirectory: true)
    }()

    /// The bytes of `fixtures/<path>`.
    static func bytes(_ path: String) -> [UInt8] {
        let url = directory.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            fatalError("benchmark fixture not found: \(url.path)")
        }
        return [UInt8](data)
    }

    /// Prometheus's `POST /api/v2/alerts` body: one firing alert.
    static let alertmanagerAPI = bytes("alertmanager-api/firing-first.json")
    /// The same alert as Prometheus batches them: 100 alerts differing in their `instance` label.
    static let alertmanagerAPIBatch100 = batch(of: alertmanagerAPI, count: 100)
    /// An Alertmanager version 4 webhook with one firing alert.
    static let alertmanagerWebhook = bytes("alertmanager-webhook/firing.json")
    /// PagerDuty Events API v2 trigger, the vendor's documented example.
    static let pagerDutyTrigger = bytes("pagerduty/trigger.json")
    /// A GELF HTTP body from graypy, stored compressed as it was sent; decompressed here.
    static let gelf = inflate(bytes("gelf/error.bin"))
    /// RFC 5424 with structured data and RFC 3164 datagrams from util-linux `logger`.
    static let syslog5424 = bytes("syslog/rfc5424-structured-data.txt")
    static let syslog3164 = bytes("syslog/rfc3164-auth-info.txt")
    /// OTLP/HTTP trace exports from the OpenTelemetry Python SDK.
    static let otlpProtobuf = bytes("otlp/python-sdk-protobuf.bin")
    static let otlpProtobufGzip = bytes("otlp/python-sdk-protobuf-gzip.bin")
    static let otlpJSON = bytes("otlp/python-sdk-json.json")

    /// alertgate's own event, as README.md's first session sends it to `/api/v1/events`
    /// (the repository has no captured sender for its own format).
    static let event = Array("""
        {"title": "Checkout p99 latency above 2s", "service": "checkout", "severity": "critical",
         "labels": {"env": "prod", "region": "eu-west-1"}}
        """.utf8)

    /// A fixed receipt time, so decoding is the same on every run.
    static let receivedAt = Timestamp(milliseconds: 1_795_928_554_888)

    private static func inflate(_ compressed: [UInt8]) -> [UInt8] {
        do {
            return try Zlib.decompress(compressed, limit: 1 << 20)
        } catch {
            fatalError("benchmark fixture does not decompress: \(error)")
        }
    }

    /// A JSON array of `count` copies of the single alert in `body`, each with its own
    /// `instance` label, so every alert has a distinct fingerprint.
    private static func batch(of body: [UInt8], count: Int) -> [UInt8] {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let alert = String(text.dropFirst().dropLast()) // one object inside [ ]
        let marker = "\"labels\":{"
        guard alert.contains(marker) else { fatalError("alertmanager-api fixture has no labels object") }
        let alerts = (0..<count).map { index in
            alert.replacingOccurrences(of: marker, with: "\(marker)\"instance\":\"10.0.\(index / 250).\(index % 250):9100\",")
        }
        return Array("[\(alerts.joined(separator: ","))]".utf8)
    }
}
