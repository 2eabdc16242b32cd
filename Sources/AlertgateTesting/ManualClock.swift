import AlertgateCore
import Synchronization

/// A clock that only moves when a test moves it. Sleepers wake when the test advances the
/// clock past their deadline, so timers driven by it (the expiry tick, back-off) run exactly
/// when the test says.
public final class ManualClock: WallClock {
    private struct Sleeper {
        var id: Int
        var deadline: Timestamp
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Timestamp
        var sleepers: [Sleeper] = []
        var nextID = 0
        /// Sleeps that have ended because the clock passed their deadline.
        var wakeUps = 0
    }

    private let state: Mutex<State>

    public init(_ start: Timestamp = Timestamp(milliseconds: 1_795_000_000_000)) {
        state = Mutex(State(now: start))
    }

    public func now() -> Timestamp {
        state.withLock { $0.now }
    }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if duration <= .zero { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: state.now + duration, continuation: continuation))
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes the sleepers whose deadline it reached.
    public func advance(by duration: Duration) {
        move { $0 + duration }
    }

    /// Sets the time; sleepers wake if it moved past their deadline.
    public func set(_ time: Timestamp) {
        move { _ in time }
    }

    private func move(_ to: (Timestamp) -> Timestamp) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = to(state.now)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            state.wakeUps += due.count
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Tasks sleeping on this clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Sleeps ended so far because the clock reached their deadline.
    public var wakeUps: Int { state.withLock { $0.wakeUps } }
}
