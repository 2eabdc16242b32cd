/// The mute stage: asks each rule in turn whether a signal is silenced or suppressed; the
/// first verdict wins. No rules by default: every signal goes on to the correlator.
///
/// The correlator asks it only for a firing signal that would start a new alert: repeats,
/// resolves and acknowledgements of an alert already firing pass, so a silence set while an
/// alert fires neither swallows its resolve nor lets it time out.
public struct Muter: Sendable {
    public var rules: [any MuteRule]

    public init(rules: [any MuteRule] = []) {
        self.rules = rules
    }

    public func mute(_ signal: Signal, at time: Timestamp) -> MuteVerdict? {
        for rule in rules {
            if let verdict = rule.verdict(for: signal, at: time) { return verdict }
        }
        return nil
    }
}
