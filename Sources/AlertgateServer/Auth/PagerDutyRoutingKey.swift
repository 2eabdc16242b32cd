import Foundation
import NIOCore

/// The `routing_key` of a PagerDuty Events API v2 body, which PagerDuty's clients send in place
/// of a header: mapped to a token of the same value.
enum PagerDutyRoutingKey {
    static func find(in body: ByteBuffer) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else { return nil }
        return object["routing_key"] as? String
    }
}
