/// A deploy or config change, kept as a rollback candidate.
public struct StoredChange: Hashable, Sendable {
    public var signalID: Int64
    public var service: String
    public var title: String
    public var description: String?
    public var at: Timestamp
    public var sender: String?
    public var links: [SignalLink]

    public init(signalID: Int64, service: String, title: String, description: String?, at: Timestamp, sender: String?, links: [SignalLink]) {
        self.signalID = signalID
        self.service = service
        self.title = title
        self.description = description
        self.at = at
        self.sender = sender
        self.links = links
    }
}
