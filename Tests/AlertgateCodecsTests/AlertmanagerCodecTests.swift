import AlertgateCodecs
import AlertgateCore
import Testing

/// Alertmanager's API v2 body and the Alertmanager and Grafana webhooks.
@Suite struct AlertmanagerCodecTests {
    let now = RFC3339.parse("2026-11-29T05:00:00Z")!

    func api(_ text: String) throws -> DecodedBatch {
        try AlertmanagerAPICodec().decode(Array(text.utf8), receivedAt: now)
    }

    @Test func firingAlertKeepsAlertmanagersFingerprintAndEndsAt() throws {
        let batch = try api(#"[{"labels": {"alertname": "CheckoutHighErrorRate", "service": "checkout", "severity": "critical"}, "annotations": {"summary": "Checkout error rate above 5%", "description": "More than 5%"}, "startsAt": "2026-11-29T04:59:00Z", "endsAt": "2026-11-29T05:04:00Z", "generatorURL": "http://prometheus/graph"}]"#)
        let signal = try #require(batch.signals.first?.signal)
        // The value a real Alertmanager 0.25 computed for this label set (fixtures/alertmanager-webhook).
        #expect(Fingerprint.of(signal).value == "a3d9a4bfa0d26a05")
        #expect(signal.status == .firing)
        #expect(signal.endsAt == RFC3339.parse("2026-11-29T05:04:00Z"))
        #expect(signal.occurredAt == nil)
        #expect(signal.service == "checkout")
        #expect(signal.title == "Checkout error rate above 5%")
        #expect(signal.description == "More than 5%")
        #expect(signal.severity == .critical)
        #expect(signal.links == [SignalLink(href: "http://prometheus/graph", text: "source")])
    }

    @Test func endsAtInThePastIsAResolve() throws {
        let batch = try api(#"[{"labels": {"alertname": "X", "job": "node"}, "startsAt": "2026-11-29T04:00:00Z", "endsAt": "2026-11-29T04:59:30Z"}]"#)
        let signal = try #require(batch.signals.first?.signal)
        #expect(signal.status == .resolved)
        #expect(signal.occurredAt == RFC3339.parse("2026-11-29T04:59:30Z"))
        #expect(signal.service == "node")
        #expect(signal.title == "X")
        #expect(signal.severity == .error)
    }

    @Test func badAlertsAreListedAndGoodOnesKept() throws {
        let batch = try api(#"[{"labels": {}}, {"labels": {"alertname": "ok"}}, {"labels": {"1x": "v"}}, {"labels": {"a": "b"}, "startsAt": "2026-11-29T05:00:00Z", "endsAt": "2026-11-29T04:00:00Z"}, {"labels": {"a": 1.5}, "endsAt": "soon"}]"#)
        #expect(batch.signals.map(\.item) == [1])
        #expect(batch.errors.map(\.index) == [0, 2, 3, 4])
        #expect(batch.errors.map(\.field) == ["labels", "labels.1x", "endsAt", "endsAt"])
        #expect(throws: CodecError.self) { try api("{}") }
        #expect(throws: CodecError.self) { try api("[]") }
    }

    @Test func webhookUsesTheSendersFingerprintAndStatus() throws {
        let body = #"{"version": "4", "status": "resolved", "receiver": "alertgate", "alerts": [{"status": "resolved", "labels": {"alertname": "A", "service": "s"}, "annotations": {}, "startsAt": "2026-11-29T04:00:00Z", "endsAt": "2026-11-29T04:30:00Z", "fingerprint": "00ff00ff00ff00ff"}, {"status": "firing", "labels": {"alertname": "B"}, "startsAt": "2026-11-29T04:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "0123456789abcdef"}]}"#
        let batch = try AlertmanagerWebhookCodec(.alertmanager).decode(Array(body.utf8), receivedAt: now)
        #expect(batch.errors.isEmpty)
        let resolved = batch.signals[0].signal
        #expect(resolved.status == .resolved)
        #expect(Fingerprint.of(resolved).value == "00ff00ff00ff00ff")
        #expect(resolved.occurredAt == RFC3339.parse("2026-11-29T04:30:00Z"))
        #expect(resolved.sender == "alertgate")
        let firing = batch.signals[1].signal
        #expect(firing.status == .firing)
        #expect(firing.endsAt == now + AlertmanagerWebhookCodec.silenceAfter)
        #expect(firing.source == .alertmanagerWebhook)
    }

    @Test func webhookErrorsNameTheField() {
        func field(_ text: String) -> String? {
            do { _ = try AlertmanagerWebhookCodec(.alertmanager).decode(Array(text.utf8), receivedAt: now); return "accepted" } catch { return error.field }
        }
        #expect(field(#"{"version": "3", "alerts": []}"#) == "version")
        #expect(field(#"{"version": "4"}"#) == "alerts")
        #expect(field(#"{"version": "4", "alerts": {}}"#) == "alerts")
        let bad = try? AlertmanagerWebhookCodec(.alertmanager).decode(Array(#"{"alerts": [{"status": "exploding", "labels": {"a": "b"}}, {"labels": {"a": "b"}, "fingerprint": "not-hex!"}]}"#.utf8), receivedAt: now)
        #expect(bad?.errors.map(\.field) == ["alerts[0].status", "alerts[1].fingerprint"])
    }

    @Test func grafanaAddsItsLinksAndValues() throws {
        let body = #"{"receiver": "alertgate", "status": "firing", "orgId": 1, "title": "[FIRING:1] HighCPU", "alerts": [{"status": "firing", "labels": {"alertname": "HighCPU", "grafana_folder": "infra", "service": "db"}, "annotations": {"summary": "CPU above 90%"}, "startsAt": "2026-11-29T04:58:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "9f86d081884c7d65", "silenceURL": "http://grafana/silence", "dashboardURL": "http://grafana/d/1", "panelURL": "http://grafana/d/1?viewPanel=2", "valueString": "[ var='A' value=93.5 ]"}]}"#
        let signal = try #require(try AlertmanagerWebhookCodec(.grafana).decode(Array(body.utf8), receivedAt: now).signals.first?.signal)
        #expect(signal.source == .grafana)
        #expect(signal.service == "db")
        #expect(signal.description == "Values: [ var='A' value=93.5 ]")
        #expect(signal.links.map(\.text) == ["dashboard", "panel", "silence"])
        #expect(Fingerprint.of(signal).value == "9f86d081884c7d65")
    }
}
