/// The reason for a decision: which rule applied, on which key, within which window.
public struct Why: Hashable, Codable, Sendable {
    /// A stable rule name, e.g. `dedup.same_fingerprint` (see `Correlator.Rule`).
    public var rule: String
    /// The key the rule matched on: a fingerprint or a correlation key.
    public var key: String
    /// The config name of the window that decided, if one did.
    public var window: String?
    /// The window's length in seconds.
    public var windowSeconds: Int64?
    /// One sentence for people.
    public var detail: String

    public init(rule: String, key: String, window: String? = nil, windowSeconds: Int64? = nil, detail: String) {
        self.rule = rule
        self.key = key
        self.window = window
        self.windowSeconds = windowSeconds
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case rule, key, window
        case windowSeconds = "window_seconds"
        case detail
    }
}
