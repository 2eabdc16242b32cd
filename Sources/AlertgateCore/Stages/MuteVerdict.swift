/// Why a signal is kept out of incidents: stored, answered, and correlated to nothing.
public struct MuteVerdict: Hashable, Sendable {
    public enum Effect: Hashable, Sendable {
        /// A person said so: a silence or a maintenance window.
        case silenced
        /// Another alert makes it redundant: inhibition.
        case suppressed
    }

    public var effect: Effect
    /// A stable rule name, as shown in the signal's `why` (e.g. `silence.matchers`).
    public var rule: String
    /// What matched: a silence's id, an inhibiting alert's fingerprint.
    public var key: String
    /// One sentence for people.
    public var reason: String

    public init(_ effect: Effect, rule: String, key: String, reason: String) {
        self.effect = effect
        self.rule = rule
        self.key = key
        self.reason = reason
    }

    /// The signal's `decision`.
    public var decision: Decision {
        switch effect {
        case .silenced: .silenced
        case .suppressed: .suppressed
        }
    }
}
