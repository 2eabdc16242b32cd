/// Who is paged, and who next when nobody acknowledges: ordered steps, each after a time from
/// the incident's opening (or reopening). After the last step the policy starts over
/// `repeatEvery` later, until the incident is acknowledged or resolved.
public struct EscalationPolicy: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        public var notify: [String]
        /// From the incident's opening: step one is usually after 0m.
        public var after: Duration

        public init(notify: [String], after: Duration) {
            self.notify = notify
            self.after = after
        }
    }

    public var name: String
    /// The team whose incidents it pages when their service names no on-call of its own.
    public var team: String?
    /// Which incidents it pages (default: all it is chosen for).
    public var match: IncidentMatch
    /// Sorted by `after`.
    public var steps: [Step]
    public var repeatEvery: Duration

    public init(name: String, team: String? = nil, match: IncidentMatch = IncidentMatch(), steps: [Step], repeatEvery: Duration = EscalationPolicy.defaultRepeatEvery) {
        self.name = name
        self.team = team
        self.match = match
        self.steps = steps.sorted { $0.after < $1.after }
        self.repeatEvery = repeatEvery
    }

    public static let defaultRepeatEvery: Duration = .seconds(30 * 60)

    /// When step `taken` (counting every step taken so far, across repeats) is due, given
    /// when the last one was taken (or the incident opened, for the first).
    public func due(step taken: Int, lastAt: Timestamp) -> Timestamp {
        let index = taken % steps.count
        if taken == 0 { return lastAt + steps[0].after }
        if index == 0 { return lastAt + repeatEvery }
        return lastAt + (steps[index].after - steps[index - 1].after)
    }
}
