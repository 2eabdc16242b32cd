import AlertgateCore

/// A public component's last days, for the status page's bars: per UTC day, the minutes its
/// incidents held it in each state and which states they were. Only the states of
/// `StatusSummary.componentState` are counted, so a security incident leaves no mark. A day keeps
/// the ids of its incidents so that the page can name those it shows (by their public names,
/// `StatusPageHTML`); no title is kept.
struct StatusHistory {
    struct Day: Equatable {
        /// The day's first millisecond (UTC).
        var start: Timestamp
        /// Minutes of the day in a state worse than operational, per state (overlaps counted once,
        /// under the worst state at that time).
        var minutes: [StatusSummary.ComponentState: Int]
        /// The share of the day's elapsed minutes without an outage (partial or major), 0...1.
        var uptime: Double
        /// The incidents that held the component in a worse state that day, oldest first.
        var incidents: [Int64] = []

        /// The worst state of the day, operational when there was none.
        var worst: StatusSummary.ComponentState { minutes.keys.max() ?? .operational }
    }

    static let dayMilliseconds: Int64 = 86_400_000

    /// The `days` days up to and including today of `now`, oldest first, for the component of
    /// service `service`: the incidents of it among `incidents` (an open one lasts until `now`).
    static func days(service: String, incidents: [IncidentState], days: Int, now: Timestamp) -> [Day] {
        let today = now.milliseconds - now.milliseconds % dayMilliseconds
        let first = today - Int64(days - 1) * dayMilliseconds
        // Each incident of the service as an interval of its state, clipped to the window.
        var spans: [(from: Int64, to: Int64, state: StatusSummary.ComponentState, id: Int64)] = []
        for incident in incidents where incident.service == service || incident.services.contains(service) {
            let state = StatusSummary.componentState(of: incident)
            guard state != .operational else { continue }
            let end = incident.resolvedAt ?? incident.closedAt ?? now
            let from = max(incident.openedAt.milliseconds, first), to = min(end.milliseconds, now.milliseconds)
            if to > from { spans.append((from, to, state, incident.id)) }
        }
        return (0..<days).map { index in
            let start = first + Int64(index) * dayMilliseconds
            let end = min(start + dayMilliseconds, now.milliseconds)
            var minutes: [StatusSummary.ComponentState: Int] = [:]
            let inDay = spans.filter { $0.from < end && $0.to > start }
            if !inDay.isEmpty {
                // Minute by minute: the worst state of the incidents covering it (1,440 steps a day at most).
                var minute = start
                while minute < end {
                    let worst = inDay.filter { $0.from < minute + 60_000 && $0.to > minute }.map(\.state).max()
                    if let worst { minutes[worst, default: 0] += 1 }
                    minute += 60_000
                }
            }
            let elapsed = max(1, Int((end - start + 59_999) / 60_000))
            let down = (minutes[.partialOutage] ?? 0) + (minutes[.majorOutage] ?? 0)
            return Day(start: Timestamp(milliseconds: start), minutes: minutes, uptime: max(0, 1 - Double(down) / Double(elapsed)),
                       incidents: inDay.sorted { ($0.from, $0.id) < ($1.from, $1.id) }.map(\.id))
        }
    }
}
