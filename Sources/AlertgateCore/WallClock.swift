import Foundation

/// Where the pipeline gets "now", and what its timers (the expiry tick, back-off) wait on.
/// Tests inject a clock they move by hand.
public protocol WallClock: Sendable {
    func now() -> Timestamp
    /// Returns once `duration` of this clock's time has passed; throws `CancellationError`
    /// when the task is cancelled first.
    func sleep(for duration: Duration) async throws
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(Date())
    }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
