/// One reason to keep signals out of incidents: a silence, a maintenance window, an
/// inhibition rule. Pure: the time comes in, the rule reads no clock.
public protocol MuteRule: Sendable {
    /// The verdict for `signal`, placed at `time`, or nil when the rule lets it through.
    func verdict(for signal: Signal, at time: Timestamp) -> MuteVerdict?

    /// A `name=value` matcher the rule requires, if it has one: the `Muter` then asks the rule
    /// only about signals with that value, instead of every rule about every signal.
    var anchor: LabelMatcher? { get }
}

extension MuteRule {
    public var anchor: LabelMatcher? { nil }
}

extension LabelMatcher {
    /// The first `name=value` matcher with a value, which a rule with these matchers requires.
    static func anchor(of matchers: [LabelMatcher]) -> LabelMatcher? {
        matchers.first { $0.op == .equal && !$0.value.isEmpty }
    }
}
