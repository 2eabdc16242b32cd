@testable import AlertgateCodecs
import AlertgateCore
import Foundation
import Testing

/// `AlertmanagerWebhookCodec` reads a plain body straight from the bytes. These tests hold
/// it, for both senders, to the decoding through a `JSONValue` tree of the whole body, which
/// it keeps for other bodies: same signals, same errors, same refusals.
@Suite struct AlertmanagerWebhookDirectReadTests {
    static let receivedAt = RFC3339.parse("2026-11-29T05:02:40.891Z")!
    static let senders: [AlertmanagerWebhookCodec.Sender] = [.alertmanager, .grafana]

    static func difference(_ body: [UInt8], _ sender: AlertmanagerWebhookCodec.Sender) -> String? {
        let codec = AlertmanagerWebhookCodec(sender)
        return AlertmanagerDirectReadTests.difference(
            Result { () throws(CodecError) in try codec.decode(body, receivedAt: receivedAt) },
            Result { () throws(CodecError) in try codec.decode(tree: JSONValue.parse(body), receivedAt: receivedAt) })
    }

    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for sender in senders {
            let difference = difference(Array(text.utf8), sender)
            #expect(difference == nil, "\(sender): \(text)", sourceLocation: sourceLocation)
        }
    }

    /// Whether the body's top level is read straight from the bytes.
    static func isDirect(_ text: String, _ sender: AlertmanagerWebhookCodec.Sender) throws -> Bool {
        try AlertmanagerWebhookCodec(sender).decodeDirect(Array(text.utf8), receivedAt: receivedAt) != nil
    }

    static func fixtures(_ folder: String) throws -> [[UInt8]] {
        let directory = GoldenFixtureTests.root.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .filter { !$0.hasSuffix(".meta.json") && !$0.hasSuffix(".expected.json") }
            .map { [UInt8](try Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    @Test func readsWhatAlertmanagerAndGrafanaSend() throws {
        for (folder, sender) in [("alertmanager-webhook", AlertmanagerWebhookCodec.Sender.alertmanager), ("grafana", .grafana)] {
            let bodies = try Self.fixtures(folder)
            #expect(!bodies.isEmpty)
            for body in bodies {
                #expect(Self.difference(body, sender) == nil, "\(folder)")
                #expect(try AlertmanagerWebhookCodec(sender).decodeDirect(body, receivedAt: Self.receivedAt) != nil, "\(folder)")
            }
        }
    }

    @Test func topLevelsThatAreNotPlainGoThroughTheTree() throws {
        let alerts = #""alerts": [{"labels": {"a": "b"}}]"#
        #expect(try Self.isDirect(#"{"version": "4", "receiver": "r", \#(alerts)}"#, .alertmanager))
        #expect(try Self.isDirect(#"{"version": 4, \#(alerts)}"#, .grafana), "Grafana's version is not read")
        for text in [#"{"version": 4, \#(alerts)}"#, #"{"version": "4", "version": "4", \#(alerts)}"#, #"{"receiver": 5, \#(alerts)}"#,
                     #"{"alert\u0073": [{"labels": {"a": "b"}}]}"#, #"{"alerts": {}}"#, #"[{"labels": {"a": "b"}}]"#] {
            #expect(try !Self.isDirect(text, .alertmanager), "\(text)")
            Self.expectSame(text)
        }
    }

    @Test func errorsNameTheFieldAsBefore() {
        for text in [
            #"{"version": "3", "alerts": []}"#, #"{"version": "4"}"#, #"{"version": "4", "alerts": {}}"#, #"{"alerts": []}"#,
            #"{"alerts": [{"status": "exploding", "labels": {"a": "b"}}, {"labels": {"a": "b"}, "fingerprint": "not-hex!"}]}"#,
            #"{"alerts": [{"status": "acknowledged", "fingerprint": 5, "labels": {"a": "b"}}, {"labels": {"a": "b"}, "fingerprint": "0123", "status": 1}]}"#,
            #"{"alerts": [{"labels": {"a": "b"}, "status": "\#(String(repeating: "f", count: 33))"}, {"labels": {"a": "b"}, "valueString": 5, "dashboardURL": 5}]}"#,
            #"{"alerts": [{"labels": {}, "status": "exploding"}, {"labels": {"a": "b"}, "status": "resolved", "endsAt": "2026-11-29T04:00:00Z"}]}"#,
            #"{"alerts": [{"labels": {"a": "b"}}], "receiver": "r", "version": "4"} x"#, #"{"alerts": [{"labels": {"a": "b"}} {}]}"#,
        ] {
            Self.expectSame(text)
        }
    }

    @Test(arguments: 0..<2) func generatedBodiesDecodeAsTheTreeDoes(seed: UInt64) {
        var random = BodyMutator(seed: seed)
        var failures = 0
        for _ in 0..<250 where failures < 5 {
            let body = Array(AlertGenerator.webhookBody(&random).utf8)
            for candidate in [body, random.mutate(body)] {
                for sender in Self.senders {
                    if let difference = Self.difference(candidate, sender) {
                        failures += 1
                        Issue.record("\(sender): \(difference.prefix(1500))\nbody: \(AlertmanagerDirectReadTests.shown(candidate))")
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<2) func mutatedFixturesDecodeAsTheTreeDoes(seed: UInt64) throws {
        let bodies = try Self.fixtures("alertmanager-webhook") + Self.fixtures("grafana")
        var random = BodyMutator(seed: seed)
        var failures = 0
        for _ in 0..<600 where failures < 5 {
            let body = random.mutate(random.pick(bodies))
            for sender in Self.senders {
                if let difference = Self.difference(body, sender) {
                    failures += 1
                    Issue.record("\(sender): \(difference.prefix(1500))\nbody: \(AlertmanagerDirectReadTests.shown(body))")
                }
            }
        }
    }
}
