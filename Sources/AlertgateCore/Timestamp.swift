import Foundation

/// A point in time as integer milliseconds since the Unix epoch, the unit alertgate stores.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public init(_ date: Date) {
        self.milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public var date: Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(milliseconds: lhs.milliseconds + rhs.wholeMilliseconds)
    }

    public static func - (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(milliseconds: lhs.milliseconds - rhs.wholeMilliseconds)
    }

    /// The distance from `other` to `self`, possibly negative.
    public func since(_ other: Timestamp) -> Duration {
        .milliseconds(milliseconds - other.milliseconds)
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-29T04:00:00.000Z`.
    public var rfc3339: String {
        RFC3339.format(self)
    }

    public var description: String { rfc3339 }
}

extension Duration {
    /// The duration truncated to whole milliseconds.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole seconds, for display.
    public var wholeSeconds: Int64 { components.seconds }
}
