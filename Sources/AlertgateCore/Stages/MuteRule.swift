/// One reason to keep signals out of incidents: a silence, a maintenance window, an
/// inhibition rule. Pure: the time comes in, the rule reads no clock.
public protocol MuteRule: Sendable {
    /// The verdict for `signal`, placed at `time`, or nil when the rule lets it through.
    func verdict(for signal: Signal, at time: Timestamp) -> MuteVerdict?

    /// A matcher the rule requires that only a few values satisfy (`name=value`,
    /// `name=~a|b`), if it has one: the `Muter` then asks the rule only about signals with
    /// one of those values, instead of every rule about every signal.
    var anchor: LabelMatcher? { get }
}

extension MuteRule {
    public var anchor: LabelMatcher? { nil }
}
