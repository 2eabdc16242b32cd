import AlertgateCodecs
import AlertgateCore
import Testing

/// PagerDuty Events API v2 and change events.
@Suite struct PagerDutyCodecTests {
    let codec = PagerDutyEventCodec(integrations: ["R0UTINGKEY0000000000000000000001": .init(service: "payments")])

    func decode(_ text: String, codec: PagerDutyEventCodec? = nil) throws(CodecError) -> PagerDutyEventCodec.Event {
        try (codec ?? self.codec).decode(Array(text.utf8)) { "generated" }
    }

    @Test func triggerWithEveryField() throws {
        let event = try decode(#"{"routing_key": "R0UTINGKEY0000000000000000000001", "event_action": "trigger", "dedup_key": "srv01/mysql", "payload": {"summary": "DISK at 99% on machine prod-datapipe03", "source": "prod-datapipe03.example.com", "severity": "critical", "timestamp": "2015-07-17T08:42:58.315+0000", "component": "mysql", "group": "prod-datapipe", "class": "disk", "custom_details": {"free space": "1%", "ping time": "1500ms"}}, "links": [{"href": "https://example.com/", "text": "Link text"}], "client": "Sample Monitoring Service", "client_url": "https://monitoring.example.com"}"#)
        #expect(event.dedupKey == "srv01/mysql")
        let signal = event.signal
        #expect(signal.status == .firing)
        #expect(signal.service == "payments")
        #expect(signal.severity == .critical)
        #expect(signal.title == "DISK at 99% on machine prod-datapipe03")
        #expect(signal.occurredAt == RFC3339.parse("2015-07-17T08:42:58.315Z"))
        #expect(signal.labels["component"] == "mysql")
        #expect(signal.labels["class"] == "disk")
        #expect(signal.description == #"{"free space":"1%","ping time":"1500ms"}"#)
        #expect(signal.links.count == 2)
        #expect(Fingerprint.of(signal).value == "pagerduty:srv01/mysql")
    }

    @Test func triggerWithoutKeyGetsOneAndOtherServicesComeFromThePayload() throws {
        let event = try decode(#"{"routing_key": "other", "event_action": "trigger", "payload": {"summary": "s", "source": "host-1", "severity": "warning", "component": "nginx"}}"#)
        #expect(event.dedupKey == "generated")
        #expect(event.signal.service == "nginx")
    }

    @Test func acknowledgeAndResolveNeedOnlyTheKey() throws {
        let ack = try decode(#"{"routing_key": "k", "event_action": "acknowledge", "dedup_key": "abc"}"#)
        #expect(ack.signal.status == .acknowledged)
        #expect(Fingerprint.of(ack.signal).value == "pagerduty:abc")
        let resolve = try decode(#"{"routing_key": "k", "event_action": "resolve", "dedup_key": "abc"}"#)
        #expect(resolve.signal.status == .resolved)
    }

    @Test(arguments: [
        (#"{"event_action": "trigger"}"#, "routing_key"),
        (#"{"routing_key": "k"}"#, "event_action"),
        (#"{"routing_key": "k", "event_action": "explode"}"#, "event_action"),
        (#"{"routing_key": "k", "event_action": "resolve"}"#, "dedup_key"),
        (#"{"routing_key": "k", "event_action": "trigger"}"#, "payload"),
        (#"{"routing_key": "k", "event_action": "trigger", "payload": {"source": "a", "severity": "info"}}"#, "payload.summary"),
        (#"{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "a", "severity": "info"}}"#, "payload.source"),
        (#"{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "a", "source": "b", "severity": "high"}}"#, "payload.severity"),
        (#"{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "a", "source": "b", "severity": "info", "timestamp": "noon"}}"#, "payload.timestamp"),
    ])
    func invalidEventsNameTheField(body: String, field: String) {
        #expect(throws: CodecError.self) { try decode(body) }
        do { _ = try decode(body) } catch { #expect(error.field == field) }
    }

    @Test func changeEvent() throws {
        let signal = try PagerDutyChangeCodec().decode(Array(#"{"routing_key": "k", "payload": {"summary": "Build Success: Increase snapshot create timeout to 30 seconds", "timestamp": "2020-07-17T08:42:58.315+0000", "source": "acme-build-pipeline-tool-default-i-9999", "custom_details": {"build_state": "passed", "build_number": "2"}}, "links": [{"href": "https://acme.pagerduty.dev/build/2", "text": "View more details in Acme!"}]}"#.utf8))
        #expect(signal.kind == .change)
        #expect(signal.service == "acme-build-pipeline-tool-default-i-9999")
        #expect(signal.occurredAt == RFC3339.parse("2020-07-17T08:42:58.315Z"))
        #expect(signal.links.first?.text == "View more details in Acme!")
    }
}
