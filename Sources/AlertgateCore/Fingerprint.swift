/// The identity of an alert: signals with the same fingerprint are one alert.
///
/// Version 1 of the scheme (`Fingerprint.schemeVersion`), stable across restarts:
/// - a fingerprint the codec already knows wins: Alertmanager's label fingerprint for
///   `/api/v2/alerts`, the `fingerprint` of an Alertmanager or Grafana webhook, so one alert
///   has one id whichever way it arrives;
/// - then a sender's explicit key (`dedup_key`, an Alertmanager webhook `fingerprint`) wins,
///   namespaced by source: `pagerduty:<key>`;
/// - label sets use Alertmanager's own algorithm (`Fingerprint.labels`), 16 hex digits;
/// - traces hash service, span name and exception type; logs hash host, app and the
///   message with numbers and ids masked; reports hash service and category.
///
/// A fingerprint of 16 lowercase hex digits (the label hash and every hash of this scheme) is
/// held as the 64-bit number they spell: a firing alert's fingerprint then costs no heap
/// object (16 bytes is one past Swift's small strings) and hashes and compares as one word.
/// Any other text (an explicit key such as `pagerduty:<key>`, uppercase hex) is held in a box
/// of its own, so that the value takes 9 bytes, not 17. The text decides which, so equal
/// texts are equal values. The hot paths read the text through `withUTF8`, which formats a
/// hash on the stack; `value` makes a string.
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible {
    public static let schemeVersion = 1

    private enum Storage: Hashable, Sendable {
        case hash(UInt64)
        case text(Text)
    }

    /// A fingerprint's text when it is not a hash: a reference, 8 bytes.
    private final class Text: Hashable, Sendable {
        let value: String

        init(_ value: String) {
            self.value = value
        }

        static func == (a: Text, b: Text) -> Bool { a.value == b.value }
        func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }

    private let storage: Storage

    public init(_ value: String) {
        storage = Self.lowercaseHex16(value).map(Storage.hash) ?? .text(Text(value))
    }

    /// The fingerprint spelled by `hash` in 16 lowercase hex digits.
    init(hash: UInt64) {
        storage = .hash(hash)
    }

    /// Its text, as stored and shown.
    public var value: String {
        switch storage {
        case .hash(let hash): Self.hex16(hash)
        case .text(let text): text.value
        }
    }

    /// Calls `body` with its text's UTF-8 bytes, a hash's 16 digits formatted on the stack:
    /// `value` would allocate a string (16 bytes is past Swift's small strings).
    public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        switch storage {
        case .hash(let hash):
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
                Self.writeHex16(hash, into: buffer)
                return try body(UnsafeBufferPointer(buffer))
            }
        case .text(let text):
            var value = text.value
            return try value.withUTF8(body)
        }
    }

    /// The hash a fingerprint's 16 hex digits stand for (held as a number when lowercase);
    /// nil for any other fingerprint (an explicit key, one of another scheme).
    public var hashValue64: UInt64? {
        switch storage {
        case .hash(let hash): hash
        case .text(let text): text.value.utf8.count == 16 ? UInt64(text.value, radix: 16) : nil
        }
    }

    public var description: String { value }

    /// An explicit key from the sender, namespaced by the source it came through.
    public static func explicit(_ key: String, source: SignalSource) -> Fingerprint {
        Fingerprint("\(source.rawValue):\(key)")
    }

    /// Alertmanager's fingerprint of a label set: FNV-1a 64 over the names in sorted order,
    /// each name and value followed by the byte 0xFF, printed as 16 lowercase hex digits.
    public static func labels(_ labels: [String: String]) -> Fingerprint {
        labels.withPairsInByteOrder { pairs, _ in sorted(pairs) }
    }

    /// The same hash over pairs already in the order of their names' bytes.
    static func sorted(_ pairs: some Sequence<(key: String, value: String)>) -> Fingerprint {
        var hash = FNV1a64()
        for (name, value) in pairs {
            hash.combine(name)
            hash.combine(byte: 0xFF)
            hash.combine(value)
            hash.combine(byte: 0xFF)
        }
        return Fingerprint(hash: hash.value)
    }

    /// The fingerprint of a normalized signal, following the scheme above.
    public static func of(_ signal: Signal) -> Fingerprint {
        if let known = signal.fingerprint { return known }
        if let key = signal.dedupKey, !key.isEmpty {
            return explicit(key, source: signal.source)
        }
        switch signal.kind {
        case .alert, .change:
            var identity = signal.labels
            if identity["alertname"] == nil { identity["alertname"] = signal.title }
            if identity["service"] == nil, !signal.service.isEmpty { identity["service"] = signal.service }
            return labels(identity)
        // Fixed names, listed in byte order, as `labels` would sort them.
        case .trace:
            return sorted([
                ("exception.type", signal.labels["exception.type"] ?? ""),
                ("service", signal.service),
                ("span", signal.labels["span.name"] ?? signal.title),
            ])
        case .log:
            return sorted([
                ("app", signal.labels["app"] ?? signal.service),
                ("host", signal.labels["host"] ?? ""),
                ("message", MessageMask.mask(signal.title)),
            ])
        case .report:
            return sorted([
                ("category", signal.labels["category"] ?? "general"),
                ("service", signal.service),
            ])
        }
    }

    /// The number `text` spells when it is exactly 16 lowercase hex digits, else nil.
    static func lowercaseHex16(_ text: String) -> UInt64? {
        guard text.utf8.count == 16 else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    static func hex16(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            writeHex16(value, into: buffer)
            return 16
        }
    }

    private static func writeHex16(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        for index in 0..<16 {
            buffer[index] = digits.utf8Start[Int(value >> (60 - 4 * UInt64(index)) & 0xF)]
        }
    }
}
