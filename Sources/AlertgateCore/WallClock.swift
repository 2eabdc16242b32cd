import Foundation

/// Where the pipeline gets "now". Tests inject a clock they move by hand.
public protocol WallClock: Sendable {
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(Date())
    }
}
