/// One heartbeat and what its pings said: a pure state machine, no clock of its own. The
/// heartbeat service feeds it pings and sweeps at its clock's times and turns each
/// `HeartbeatChange` it returns into a signal.
///
/// - A good ping (`success`) makes it `up`; one after a miss or a failure resolves the alert.
/// - `fail` makes it `failed` at once (a failure alert).
/// - `start` says the job began: unless it ends (good ping or `fail`) within the grace, the
///   heartbeat is missed.
/// - A sweep past the deadline (the ping expected after the last good one, or after the
///   heartbeat was made if none came, plus the grace) makes it `missed` (an outage alert),
///   once: a missed or failed heartbeat has no deadline until its next good ping.
public struct Heartbeat: Hashable, Sendable {
    public var spec: HeartbeatSpec
    public var createdAt: Timestamp
    public var lastPingAt: Timestamp?
    /// A `start` not yet followed by a good ping or a failure.
    public var startedAt: Timestamp?
    public var lastFailAt: Timestamp?
    public var state: HeartbeatState
    /// Pings of every kind received.
    public var pings: Int

    public init(spec: HeartbeatSpec, createdAt: Timestamp, lastPingAt: Timestamp? = nil, startedAt: Timestamp? = nil, lastFailAt: Timestamp? = nil,
                state: HeartbeatState = .new, pings: Int = 0) {
        self.spec = spec
        self.createdAt = createdAt
        self.lastPingAt = lastPingAt
        self.startedAt = startedAt
        self.lastFailAt = lastFailAt
        self.state = state
        self.pings = pings
    }

    /// When the next good ping is expected: nil while the heartbeat is down, or when its
    /// schedule names no time.
    public var expectedAt: Timestamp? {
        guard state == .new || state == .up else { return nil }
        return spec.schedule.expected(after: lastPingAt ?? createdAt)
    }

    /// When a sweep finds it missed: the expected time plus the grace, earlier when a started
    /// run has not ended within the grace.
    public var deadline: Timestamp? {
        guard state == .new || state == .up else { return nil }
        let expected = expectedAt.map { $0 + spec.grace }
        let run = startedAt.map { $0 + spec.grace }
        switch (expected, run) {
        case let (expected?, run?): return min(expected, run)
        case let (expected, run): return expected ?? run
        }
    }

    /// What it shows at `now`: `late` past the expected time but within the grace, `running`
    /// between a start and its end, otherwise its state.
    public func status(at now: Timestamp) -> String {
        guard state == .new || state == .up else { return state.rawValue }
        if let expectedAt, now >= expectedAt { return "late" }
        if startedAt != nil { return "running" }
        return state.rawValue
    }

    /// Takes a ping at `time`; returns the change it makes, if any.
    public mutating func record(_ kind: HeartbeatPingKind, at time: Timestamp) -> HeartbeatChange? {
        pings += 1
        switch kind {
        case .start:
            startedAt = time
            return nil
        case .success:
            lastPingAt = time
            startedAt = nil
            let was = state
            state = .up
            return was == .missed || was == .failed ? .recovered(from: was) : nil
        case .fail:
            lastFailAt = time
            startedAt = nil
            state = .failed
            return .failed
        }
    }

    /// Marks it missed when `now` is past its deadline; returns the change, if any.
    public mutating func sweep(now: Timestamp) -> HeartbeatChange? {
        guard let deadline, now >= deadline else { return nil }
        state = .missed
        startedAt = nil
        return .missed(deadline: deadline)
    }

    /// Takes what is stored for the same heartbeat (by another gateway, or an earlier run): its
    /// pings and state. Every change is stored as it is made, so the row is never older than
    /// what this gateway knows. The settings stay this one's when the config declares it.
    public mutating func adopt(_ stored: Heartbeat) {
        if !spec.declared { spec = stored.spec }
        createdAt = stored.createdAt
        lastPingAt = stored.lastPingAt
        startedAt = stored.startedAt
        lastFailAt = stored.lastFailAt
        state = stored.state
        pings = stored.pings
    }

    /// No longer watched (the config stopped declaring it): a miss or failure it fired for is
    /// resolved, and it is left as if up, so that declaring it again watches from its last ping.
    public mutating func unwatch() -> HeartbeatChange? {
        let was = state
        state = lastPingAt == nil ? .new : .up
        startedAt = nil
        return was == .missed || was == .failed ? .unwatched(from: was) : nil
    }
}

/// A heartbeat's state as stored.
public enum HeartbeatState: String, CaseIterable, StoredCode, Codable, Sendable {
    /// Made (declared, or by a `start` or `fail` ping) and not yet pinged good.
    case new
    case up
    case missed
    case failed

    public var code: Int {
        switch self {
        case .new: 1
        case .up: 2
        case .missed: 3
        case .failed: 4
        }
    }
}

/// What a ping says, as healthchecks.io's URLs do: `/{name}`, `/{name}/start`, `/{name}/fail`.
public enum HeartbeatPingKind: String, Sendable, CaseIterable {
    case success, start, fail
}

/// A change a heartbeat's alert must show.
public enum HeartbeatChange: Hashable, Sendable {
    /// No good ping by `deadline`: an outage alert fires.
    case missed(deadline: Timestamp)
    /// A `fail` ping: a failure alert fires (again, when it was firing).
    case failed
    /// A good ping after a miss or a failure: the alert resolves.
    case recovered(from: HeartbeatState)
    /// The config no longer declares a heartbeat that was missed or failed: its alert resolves.
    case unwatched(from: HeartbeatState)
}
