import AlertgateCodecs
import AlertgateCore
import Logging
import ServiceLifecycle
import Synchronization

/// Heartbeats: takes their pings, sweeps for misses on the pipeline's clock (every
/// `pipeline.expiry_interval`), and raises and resolves their alerts through the pipeline.
///
/// One task does everything in order (`run`), so a ping and a sweep never interleave on the
/// same heartbeat. Each change is stored in two steps: its signal first (through the
/// pipeline, committed), then the heartbeat's row; a crash between the two raises the change
/// again after the restart, where it folds into the alert it already raised. A heartbeat
/// missed while alertgate was down is found by the sweep that runs at start.
///
/// With a shared database (PostgreSQL), each ping and each miss first reads the heartbeat's
/// row, so a ping or a miss another gateway took counts. Two gateways changing one heartbeat
/// in the same moment may both raise its change (the second folds into the alert as a repeat).
public final class HeartbeatService: Service, Sendable {
    /// A ping as its URL and query say it.
    public struct Ping: Sendable {
        public var name: String
        public var kind: HeartbeatPingKind
        /// Settings for a heartbeat the config does not declare (`?every=`, `?cron=`,
        /// `?grace=`, `?service=`): they make it on its first ping, or change it.
        public var schedule: HeartbeatSchedule?
        public var grace: Duration?
        public var service: String?
        /// What a `fail` ping's body said (the job's output).
        public var detail: String?

        public init(name: String, kind: HeartbeatPingKind, schedule: HeartbeatSchedule? = nil, grace: Duration? = nil, service: String? = nil,
                    detail: String? = nil) {
            self.name = name
            self.kind = kind
            self.schedule = schedule
            self.grace = grace
            self.service = service
            self.detail = detail
        }
    }

    /// What a ping did: the heartbeat after it, and the alert's outcome when it changed one.
    public struct PingResult: Sendable {
        public var heartbeat: Heartbeat
        public var outcome: Outcome?
    }

    private enum Operation: Sendable {
        case ping(Ping, CheckedContinuation<PingResult, any Error>)
        case sweep
    }

    private let store: any HeartbeatStore
    private let pipeline: IngestPipeline
    private let book: PolicyBook
    private let clock: any WallClock
    private let interval: Duration
    /// Whether other gateways may take pings too (a shared database): rows are read first.
    private let shared: Bool
    private let logger: Logger
    private let operations: AsyncStream<Operation>
    private let operationsContinuation: AsyncStream<Operation>.Continuation
    /// Rung once there is a heartbeat to sweep: until then the sweep does not tick.
    private let armed: AsyncStream<Void>
    private let armedContinuation: AsyncStream<Void>.Continuation
    private let sweeps = Atomic<Int>(0)
    /// Whether a sweep waits in the queue.
    private let sweepQueued = Atomic<Bool>(false)

    public init(store: any HeartbeatStore, pipeline: IngestPipeline, book: PolicyBook, clock: any WallClock, interval: Duration, shared: Bool,
                logger: Logger) {
        self.store = store
        self.pipeline = pipeline
        self.book = book
        self.clock = clock
        self.interval = interval
        self.shared = shared
        self.logger = logger
        (operations, operationsContinuation) = AsyncStream.makeStream(of: Operation.self)
        (armed, armedContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Sweeps carried out since the start (tests wait for one).
    public var sweepCount: Int { sweeps.load(ordering: .acquiring) }

    /// Records a ping; returns once its change (if any) is committed.
    public func ping(_ ping: Ping) async throws -> PingResult {
        try await withCheckedThrowingContinuation { continuation in
            if case .terminated = operationsContinuation.yield(.ping(ping, continuation)) {
                continuation.resume(throwing: PipelineError.shuttingDown)
            }
        }
    }

    /// Every heartbeat as stored (every gateway's pings), by name, with those the config
    /// declares that have no row yet.
    public func list() async throws -> [Heartbeat] {
        let declared = book.current.policy.heartbeats
        let stored = try await store.heartbeats()
        let names = Set(declared.map(\.name))
        // A row the config no longer declares is not watched, and not listed.
        var heartbeats = stored.filter { !$0.spec.declared || names.contains($0.spec.name) }
        let storedNames = Set(heartbeats.map(\.spec.name))
        heartbeats += declared.filter { !storedNames.contains($0.name) }.map { Heartbeat(spec: $0, createdAt: clock.now()) }
        return heartbeats.sorted { $0.spec.name < $1.spec.name }
    }

    public func run() async throws {
        var board = Board()
        do {
            for heartbeat in try await store.heartbeats() { board.heartbeats[heartbeat.spec.name] = heartbeat }
        } catch {
            logger.error("heartbeats could not be read; pings are taken, sweeps wait for them", metadata: ["error": "\(error)"])
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [self] in await tick() }
                await sweep(&board)
                for await operation in operations {
                    switch operation {
                    case .ping(let ping, let continuation):
                        do { continuation.resume(returning: try await take(ping, &board)) } catch { continuation.resume(throwing: error) }
                    case .sweep: await sweep(&board)
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [self] in
            operationsContinuation.finish()
        }
    }

    /// The sweep's tick on the clock, once there is something to sweep. A sweep still waiting
    /// in the queue is not asked for again.
    private func tick() async {
        var iterator = armed.makeAsyncIterator()
        guard await iterator.next() != nil else { return }
        while (try? await clock.sleep(for: interval)) != nil {
            if !sweepQueued.exchange(true, ordering: .acquiringAndReleasing) { operationsContinuation.yield(.sweep) }
        }
    }

    /// The config was reloaded: its heartbeats are taken at once (a new one is watched from
    /// now, one no longer declared has its alert resolved).
    public func policyChanged() {
        operationsContinuation.yield(.sweep)
    }

    /// The heartbeats being watched, and the policy version whose declarations they carry.
    private struct Board {
        var heartbeats: [String: Heartbeat] = [:]
        var policyVersion: Int?
    }

    /// The heartbeat as stored when another gateway may have changed it, or when this one has
    /// not seen it since it started; else as this gateway knows it.
    private func current(_ name: String, _ board: Board) async throws -> Heartbeat? {
        guard var heartbeat = board.heartbeats[name] else { return try await store.heartbeat(named: name) }
        if shared, let stored = try await store.heartbeat(named: name) { heartbeat.adopt(stored) }
        return heartbeat
    }

    /// Brings the board to the config's declarations when they changed: a declared heartbeat
    /// new to the store is watched from now; one no longer declared is no longer watched, and
    /// the alert it fired is resolved. What fails is tried again at the next sweep.
    private func declare(_ board: inout Board) async {
        let snapshot = book.current
        guard board.policyVersion != snapshot.version else { return }
        let declared = Dictionary(snapshot.policy.heartbeats.map { ($0.name, $0) }) { $1 }
        // The tick runs while the config declares any, even before one is stored.
        if !declared.isEmpty { armedContinuation.yield() }
        var complete = true
        for (name, heartbeat) in board.heartbeats where heartbeat.spec.declared && declared[name] == nil {
            do {
                var dropped = try await current(name, board) ?? heartbeat
                let before = dropped
                if let change = dropped.unwatch() { _ = try await raise(change, at: clock.now(), detail: nil, before: before) }
                try await store.saveHeartbeat(dropped)
                board.heartbeats[name] = nil
            } catch {
                logger.error("a heartbeat no longer declared could not be let go", metadata: ["heartbeat": "\(name)", "error": "\(error)"])
                complete = false
            }
        }
        for (name, spec) in declared {
            do {
                var heartbeat = try await current(name, board) ?? Heartbeat(spec: spec, createdAt: clock.now())
                guard heartbeat.spec != spec || board.heartbeats[name] == nil else { continue }
                heartbeat.spec = spec
                try await store.saveHeartbeat(heartbeat)
                board.heartbeats[name] = heartbeat
            } catch {
                logger.error("a declared heartbeat could not be stored", metadata: ["heartbeat": "\(name)", "error": "\(error)"])
                complete = false
            }
        }
        if complete { board.policyVersion = snapshot.version }
        if !board.heartbeats.isEmpty { armedContinuation.yield() }
    }

    private func take(_ ping: Ping, _ board: inout Board) async throws -> PingResult {
        await declare(&board)
        let now = clock.now()
        var heartbeat = try await current(ping.name, board) ?? Heartbeat(spec: HeartbeatSpec(name: ping.name), createdAt: now)
        if !heartbeat.spec.declared {
            if let schedule = ping.schedule { heartbeat.spec.schedule = schedule }
            if let grace = ping.grace { heartbeat.spec.grace = grace }
            if let service = ping.service { heartbeat.spec.service = service }
        }
        var outcome: Outcome?
        let before = heartbeat
        if let change = heartbeat.record(ping.kind, at: now) {
            outcome = try await raise(change, at: now, detail: ping.detail, before: before)
        }
        try await store.saveHeartbeat(heartbeat)
        board.heartbeats[ping.name] = heartbeat
        armedContinuation.yield()
        return PingResult(heartbeat: heartbeat, outcome: outcome)
    }

    private func sweep(_ board: inout Board) async {
        sweepQueued.store(false, ordering: .releasing)
        defer { sweeps.add(1, ordering: .releasing) }
        await declare(&board)
        let now = clock.now()
        for name in board.heartbeats.keys.sorted() {
            guard let known = board.heartbeats[name], let deadline = known.deadline, now >= deadline else { continue }
            do {
                guard var heartbeat = try await current(name, board) else { continue }
                board.heartbeats[name] = heartbeat
                let before = heartbeat
                guard let change = heartbeat.sweep(now: now) else { continue }
                _ = try await raise(change, at: now, detail: nil, before: before)
                try await store.saveHeartbeat(heartbeat)
                board.heartbeats[name] = heartbeat
                logger.notice("heartbeat missed", metadata: ["heartbeat": "\(name)", "deadline": "\(deadline)"])
            } catch {
                logger.error("a missed heartbeat could not be raised; tried again at the next sweep", metadata: ["heartbeat": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Places the change's signal, with the record of it as its payload; returns after the
    /// commit. The record carries the heartbeat as it stood before the change (its last ping).
    private func raise(_ change: HeartbeatChange, at now: Timestamp, detail: String?, before: Heartbeat) async throws -> Outcome? {
        let body = HeartbeatRecord.encode(before, change: change, at: now, detail: detail)
        let signal = before.signal(for: change, at: now, detail: detail)
        let request = pipeline.request(body: body, key: before.dedupKey, source: .heartbeat, contentType: HeartbeatRecord.contentType,
                                       receivedAt: now, signals: [(0, signal)])
        return try await pipeline.submit(consume request).outcomes.first
    }
}
