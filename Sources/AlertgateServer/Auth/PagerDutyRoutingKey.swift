import AlertgateCodecs
import NIOCore

/// The `routing_key` of a PagerDuty Events API v2 body, which PagerDuty's clients send in place
/// of a header: read as the PagerDuty codecs read it, then mapped to a token or an integration.
enum PagerDutyRoutingKey {
    static func find(in body: ByteBuffer) -> String? {
        guard let value = try? JSONValue.parse(body.readableBytesView), let event = try? JSONObjectReader(value) else { return nil }
        return try? event.string("routing_key", maxBytes: 128)
    }
}
