/// One reason to keep signals out of incidents: a silence, a maintenance window, an
/// inhibition rule. Pure: the time comes in, the rule reads no clock.
public protocol MuteRule: Sendable {
    /// The verdict for `signal`, placed at `time`, or nil when the rule lets it through.
    func verdict(for signal: Signal, at time: Timestamp) -> MuteVerdict?
}
