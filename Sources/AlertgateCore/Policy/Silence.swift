/// A silence: while it is active, new alerts its matchers match are stored but open,
/// join and escalate nothing (`silenced`). Alerts already firing go on repeating and
/// resolving, so their resolve still lands. As Alertmanager's, with integer ids.
public struct Silence: Hashable, Sendable {
    public enum State: String, Sendable {
        case pending, active, expired
    }

    public var id: Int64
    public var matchers: [LabelMatcher]
    public var startsAt: Timestamp
    public var endsAt: Timestamp
    public var createdBy: String
    public var comment: String
    public var updatedAt: Timestamp
    /// Set for silences that come from the config file: the text that identifies them there,
    /// so a restart or reload does not add them twice.
    public var configKey: String?

    public init(id: Int64, matchers: [LabelMatcher], startsAt: Timestamp, endsAt: Timestamp, createdBy: String, comment: String,
                updatedAt: Timestamp, configKey: String? = nil) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
        self.updatedAt = updatedAt
        self.configKey = configKey
    }

    public func state(at time: Timestamp) -> State {
        if time < startsAt { return .pending }
        return time < endsAt ? .active : .expired
    }

    /// Checks what a client sent before it is stored; the message names the field.
    public func validate() throws(PolicyError) {
        guard !matchers.isEmpty else { throw PolicyError(field: "matchers", "a silence needs at least one matcher") }
        guard matchers.contains(where: { !$0.matches { _ in "" } }) else {
            throw PolicyError(field: "matchers", "at least one matcher must not match an empty label, or the silence would mute everything")
        }
        guard endsAt > startsAt else { throw PolicyError(field: "ends_at", "must be after starts_at") }
    }
}

extension Silence: MuteRule {
    public var anchor: LabelMatcher? { LabelMatcher.anchor(of: matchers) }

    public func verdict(for signal: Signal, at time: Timestamp) -> MuteVerdict? {
        guard state(at: time) == .active, signal.matches(matchers) else { return nil }
        return MuteVerdict(.silenced, rule: "silence", key: String(id),
                           reason: "Silence \(id) by \(createdBy) until \(endsAt.rfc3339) (\(comment.isEmpty ? matchers.map(\.description).joined(separator: ", ") : comment)).")
    }
}

/// A rule, silence or window that cannot be accepted, naming the field to fix.
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "`\(field)`: \(message)" }
}
