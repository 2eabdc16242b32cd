/// Where heartbeats and their last pings are kept, so that a restart knows what it missed
/// while it was down, and gateways sharing a database see each other's pings.
public protocol HeartbeatStore: Sendable {
    /// Every heartbeat, by name.
    func heartbeats() async throws -> [Heartbeat]
    /// One heartbeat as stored, nil when there is none by that name.
    func heartbeat(named name: String) async throws -> Heartbeat?
    /// Stores a heartbeat (its settings and state), replacing the one of its name.
    func saveHeartbeat(_ heartbeat: Heartbeat) async throws
}

extension Heartbeat {
    /// The schedule's stored columns: a period in milliseconds or a cron expression.
    public var storedSchedule: (everyMilliseconds: Int64?, cron: String?) {
        switch spec.schedule {
        case .every(let period): (period.wholeMilliseconds, nil)
        case .cron(let cron): (nil, cron.description)
        }
    }

    /// A heartbeat from its stored columns; nil when they do not make a schedule.
    public init?(name: String, service: String?, everyMilliseconds: Int64?, cron: String?, graceMilliseconds: Int64, declared: Bool,
                 createdAt: Int64, lastPingAt: Int64?, startedAt: Int64?, lastFailAt: Int64?, state: Int, pings: Int) {
        let schedule: HeartbeatSchedule
        if let everyMilliseconds {
            schedule = .every(.milliseconds(everyMilliseconds))
        } else if let cron, let parsed = try? CronSchedule(parsing: cron) {
            schedule = .cron(parsed)
        } else {
            return nil
        }
        guard let state = HeartbeatState(code: state) else { return nil }
        func time(_ ms: Int64?) -> Timestamp? { ms.map { Timestamp(milliseconds: $0) } }
        self.init(spec: HeartbeatSpec(name: name, service: service, schedule: schedule, grace: .milliseconds(graceMilliseconds), declared: declared),
                  createdAt: Timestamp(milliseconds: createdAt), lastPingAt: time(lastPingAt), startedAt: time(startedAt), lastFailAt: time(lastFailAt),
                  state: state, pings: pings)
    }
}
