/// A link a sender attached to a signal (a runbook, a dashboard, a deploy).
public struct SignalLink: Hashable, Codable, Sendable {
    public var href: String
    public var text: String?

    public init(href: String, text: String? = nil) {
        self.href = href
        self.text = text
    }
}
