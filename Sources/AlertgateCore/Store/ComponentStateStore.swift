/// A public component's state as an engineer set it on the status page, overruling the state
/// its open incidents give it until it is cleared.
public struct ComponentStateOverride: Hashable, Sendable {
    /// The catalog service the component shows.
    public var service: String
    /// Statuspage's name of the state: `operational`, `degraded_performance`, `partial_outage`,
    /// `major_outage` or `under_maintenance` (checked by the status page's code, not here).
    public var state: String
    public var setBy: String?
    public var setAt: Timestamp

    public init(service: String, state: String, setBy: String?, setAt: Timestamp) {
        self.service = service
        self.state = state
        self.setBy = setBy
        self.setAt = setAt
    }
}

/// Where the hand-set component states are kept, so a restart keeps what engineers told users.
public protocol ComponentStateStore: Sendable {
    /// Every hand-set state, by service name.
    func componentStates() async throws -> [ComponentStateOverride]
    /// Sets (or replaces) one service's state.
    func setComponentState(_ state: ComponentStateOverride) async throws
    /// Returns one service to the state its incidents give it; false when it had none set.
    func clearComponentState(service: String) async throws -> Bool
}
