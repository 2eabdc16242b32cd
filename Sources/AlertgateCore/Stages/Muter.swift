/// The mute stage: asks each rule in turn whether a signal is silenced or suppressed; the
/// first verdict wins. No rules by default: every signal goes on to the correlator.
///
/// The correlator asks it only for a firing signal that would start a new alert: repeats,
/// resolves and acknowledgements of an alert already firing pass, so a silence set while an
/// alert fires neither swallows its resolve nor lets it time out.
///
/// Rules are indexed by their `anchor` (`AnchorIndex`), so a signal is shown only to the
/// rules its labels could satisfy, still in the rules' order.
public struct Muter: Sendable {
    public let rules: [any MuteRule]
    private let index: AnchorIndex

    public init(rules: [any MuteRule] = []) {
        self.rules = rules
        index = AnchorIndex(rules.map(\.anchor))
    }

    public func mute(_ signal: Signal, at time: Timestamp) -> MuteVerdict? {
        for position in index.candidates(for: signal) {
            if let verdict = rules[position].verdict(for: signal, at: time) { return verdict }
        }
        return nil
    }
}
