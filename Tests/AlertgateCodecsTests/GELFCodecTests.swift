import AlertgateCodecs
import AlertgateCore
import Testing

/// GELF messages.
@Suite struct GELFCodecTests {
    func decode(_ text: String) throws(CodecError) -> Signal {
        try GELFCodec().decode(Array(text.utf8))
    }

    @Test func fieldsLevelsAndService() throws {
        let signal = try decode(#"{"version": "1.1", "host": "web-1", "short_message": "Connection refused to 10.0.0.5:5432", "full_message": "stack...", "timestamp": 1795000000.25, "level": 3, "_service": "checkout", "_request_id": 42, "_id": "ignored"}"#)
        #expect(signal.kind == .log)
        #expect(signal.source == .gelf)
        #expect(signal.service == "checkout")
        #expect(signal.severity == .error)
        #expect(signal.description == "stack...")
        #expect(signal.occurredAt == Timestamp(milliseconds: 1_795_000_000_250))
        #expect(signal.labels["request_id"] == "42")
        #expect(signal.labels["id"] == nil)
        #expect(signal.labels["host"] == "web-1")
        #expect(signal.labels["level"] == "3")
    }

    @Test func repeatsWithOtherNumbersShareAFingerprint() throws {
        let one = try decode(#"{"host": "h", "short_message": "timeout after 1503ms for order 88121", "facility": "orders"}"#)
        let two = try decode(#"{"host": "h", "short_message": "timeout after 97ms for order 4", "facility": "orders"}"#)
        #expect(one.service == "orders")
        #expect(one.severity == .critical)
        #expect(Fingerprint.of(one) == Fingerprint.of(two))
        let other = try decode(#"{"host": "h", "short_message": "disk full", "facility": "orders"}"#)
        #expect(Fingerprint.of(one) != Fingerprint.of(other))
    }

    @Test func levelsMapToSeverities() {
        #expect((0...7).map(GELFCodec.severity(level:)) == [.critical, .critical, .critical, .error, .warning, .info, .info, .info])
    }

    @Test func errorsNameTheField() {
        func field(_ text: String) -> String? {
            do { _ = try decode(text); return "accepted" } catch { return error.field }
        }
        #expect(field(#"{"host": "h"}"#) == "short_message")
        #expect(field(#"{"short_message": "m", "level": 9}"#) == "level")
        #expect(field(#"{"short_message": "m", "version": "2.0"}"#) == "version")
        #expect(field(#"{"short_message": "m", "timestamp": "yesterday"}"#) == "timestamp")
    }
}
