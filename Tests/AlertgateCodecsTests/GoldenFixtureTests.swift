import AlertgateCodecs
import AlertgateCore
import AlertgateCompression
import Foundation
import Testing

/// Golden tests over payloads captured from the real tools in `fixtures/<format>/`: each body
/// decodes to the normalized signals in its `<name>.expected.json`.
///
/// After a deliberate change to a codec, run `UPDATE_GOLDEN=1 swift test --filter Golden`,
/// then read the diff of the expected files before committing them.
@Suite struct GoldenFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    /// Which ingest path each fixture folder stands for.
    static let sources: [String: SignalSource] = [
        "events": .events, "alertmanager-api": .alertmanagerAPI, "alertmanager-webhook": .alertmanagerWebhook,
        "grafana": .grafana, "pagerduty": .pagerduty, "pagerduty-change": .pagerduty, "gelf": .gelf, "otlp": .otlp,
        // Support desks: written after each vendor's documented example (their meta says so).
        "intercom": .intercom, "freshdesk": .freshdesk,
    ]

    static func fixtures() -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for folder in sources.keys.sorted() {
            let files = (try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            for file in files.sorted() where !file.hasSuffix(".meta.json") && !file.hasSuffix(".expected.json") {
                found.append("\(folder)/\(file)")
            }
        }
        return found
    }

    @Test func everyFormatHasCapturedFixtures() {
        let folders = Set(Self.fixtures().map { String($0.split(separator: "/")[0]) })
        for format in ["alertmanager-api", "alertmanager-webhook", "grafana", "pagerduty", "pagerduty-change", "gelf"] {
            #expect(folders.contains(format), "fixtures/\(format) has no payloads")
        }
    }

    @Test(arguments: fixtures().filter { !$0.hasPrefix("otlp/") })
    func decodesToTheExpectedSignals(_ fixture: String) throws {
        let body = Self.root.appendingPathComponent(fixture)
        let stem = body.deletingPathExtension().path
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stem + ".meta.json"))) as? [String: Any] ?? [:]
        var bytes = [UInt8](try Data(contentsOf: body))
        if let encoding = meta["content_encoding"] as? String, !encoding.isEmpty {
            bytes = try Zlib.decompress(bytes, format: encoding == "gzip" ? .gzip : .auto, limit: 16 << 20)
        } else if bytes.first == 0x1F || bytes.first == 0x78 {
            bytes = try Zlib.decompress(bytes, format: .auto, limit: 16 << 20)
        }
        let receivedAt = (meta["received_at"] as? String).flatMap(RFC3339.parse) ?? Timestamp(milliseconds: 1_795_000_000_000)
        let folder = String(fixture.split(separator: "/")[0])
        let payload = RawPayload(id: 0, source: try #require(Self.sources[folder]), contentType: meta["content_type"] as? String ?? "",
                                 receivedAt: receivedAt, bytes: bytes)
        let batch = try PayloadDecoder.decode(payload)
        let rendered = Self.render(batch)

        let expectedURL = URL(fileURLWithPath: stem + ".expected.json")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try Data(rendered.utf8).write(to: expectedURL)
        }
        let expected = try? String(contentsOf: expectedURL, encoding: .utf8)
        #expect(expected != nil, "\(fixture) has no expected result; run UPDATE_GOLDEN=1 swift test --filter Golden and review it")
        #expect(rendered == expected, "\(fixture) decodes differently from its expected file")
    }

    /// The normalized view of a batch, as stable JSON text.
    static func render(_ batch: DecodedBatch) -> String {
        func time(_ value: Timestamp?) -> Any { value?.rfc3339 ?? NSNull() }
        let signals: [[String: Any]] = batch.signals.map { item, signal in
            [
                "item": item, "kind": signal.kind.rawValue, "source": signal.source.rawValue, "status": signal.status.rawValue,
                "service": signal.service, "title": signal.title, "description": signal.description ?? NSNull(),
                "severity": signal.severity.rawValue, "labels": signal.labels, "dedup_key": signal.dedupKey ?? NSNull(),
                "fingerprint": Fingerprint.of(signal).value, "occurred_at": time(signal.occurredAt), "ends_at": time(signal.endsAt),
                "links": signal.links.map { ["href": $0.href, "text": $0.text ?? NSNull()] as [String: Any] },
                "sender": signal.sender ?? NSNull(),
            ]
        }
        let errors: [[String: Any]] = batch.errors.map { ["index": $0.index ?? NSNull(), "code": $0.code, "field": $0.field ?? NSNull()] }
        let data = try! JSONSerialization.data(withJSONObject: ["signals": signals, "errors": errors], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
