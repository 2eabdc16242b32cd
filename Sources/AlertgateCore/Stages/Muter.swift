/// The mute stage: asks each rule in turn whether a signal is silenced or suppressed; the
/// first verdict wins. No rules by default: every signal goes on to the correlator.
///
/// The correlator asks it only for a firing signal that would start a new alert: repeats,
/// resolves and acknowledgements of an alert already firing pass, so a silence set while an
/// alert fires neither swallows its resolve nor lets it time out.
///
/// Rules with an `anchor` (most silences: `service=checkout, ...`, `alertname=~A|B`) are
/// indexed by its values, so a signal is shown only to the rules its labels could satisfy,
/// still in the rules' order.
public struct Muter: Sendable {
    public let rules: [any MuteRule]
    /// Positions in `rules` by anchor name and value.
    private var anchored: [String: [String: [Int]]] = [:]
    /// Positions of the rules without an anchor.
    private var unanchored: [Int] = []

    public init(rules: [any MuteRule] = []) {
        self.rules = rules
        for (position, rule) in rules.enumerated() {
            if let anchor = rule.anchor, let values = anchor.exactValues {
                for value in Set(values) { anchored[anchor.name, default: [:]][value, default: []].append(position) }
            } else {
                unanchored.append(position)
            }
        }
    }

    public func mute(_ signal: Signal, at time: Timestamp) -> MuteVerdict? {
        var candidates = unanchored
        for (name, byValue) in anchored {
            if let value = signal.matchValue(name), let positions = byValue[value] { candidates += positions }
        }
        if candidates.count > unanchored.count { candidates.sort() }
        for position in candidates {
            if let verdict = rules[position].verdict(for: signal, at: time) { return verdict }
        }
        return nil
    }
}
