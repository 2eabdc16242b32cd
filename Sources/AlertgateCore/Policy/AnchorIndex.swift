/// Rules indexed by an anchor: a matcher each requires that only a few values satisfy
/// (`service=checkout`, `alertname=~A|B`, see `LabelMatcher.anchor(of:)`). A signal or alert
/// is then shown only the rules its labels could satisfy, plus those without an anchor, in
/// the rules' order. The mute stage indexes silences and windows by it, the correlator the
/// sources of its inhibit rules.
struct AnchorIndex: Sendable {
    /// Rule positions by anchor name and value.
    private var anchored: [String: [String: [Int]]] = [:]
    /// Positions of the rules without an anchor.
    private var unanchored: [Int] = []

    /// `anchors[position]` is that rule's anchor, or nil.
    init(_ anchors: [LabelMatcher?] = []) {
        for (position, anchor) in anchors.enumerated() {
            if let anchor, let values = anchor.exactValues {
                for value in Set(values) { anchored[anchor.name, default: [:]][value, default: []].append(position) }
            } else {
                unanchored.append(position)
            }
        }
    }

    /// The positions of the rules `labels` could satisfy, ascending.
    func candidates<Labels: MatchableLabels>(for labels: Labels) -> [Int] {
        var positions = unanchored
        for (name, byValue) in anchored {
            if let value = labels.matchValue(name), let found = byValue[value] { positions += found }
        }
        if positions.count > unanchored.count { positions.sort() }
        return positions
    }
}

extension LabelMatcher {
    /// The matcher to index a rule with these matchers by: the first `name=value`, else the
    /// first regex of whole words.
    static func anchor(of matchers: [LabelMatcher]) -> LabelMatcher? {
        matchers.first { $0.op == .equal && !$0.value.isEmpty } ?? matchers.first { $0.exactValues != nil }
    }
}
