/// Where notifications go, by name: a route or an escalation step names receivers, and the
/// sender (in the server) turns each delivery into a request of the receiver's kind.
public struct Receiver: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// alertgate's own versioned JSON body, signed with HMAC-SHA256 when a secret is set.
        case webhook
        /// A Slack incoming webhook (text and blocks); Mattermost and Rocket.Chat take it too.
        case slack
        /// `POST /api/v2/alerts` of an Alertmanager: the incident and its alerts as alerts.
        case alertmanager
        /// PagerDuty Events API v2: trigger, acknowledge, resolve by a stable `dedup_key`.
        case pagerduty
    }

    public var name: String
    public var kind: Kind
    /// The full URL the request goes to (for Alertmanager, its base URL; for PagerDuty, the
    /// Events API v2 enqueue URL).
    public var url: String
    /// Extra request headers, sent as given.
    public var headers: [String: String]
    /// The webhook's HMAC-SHA256 key: the body's signature goes in `X-Alertgate-Signature`.
    public var secret: String?
    /// PagerDuty's integration key.
    public var routingKey: String?
    /// A Slack channel to post to, when the webhook allows overriding it.
    public var channel: String?

    public init(name: String, kind: Kind, url: String, headers: [String: String] = [:], secret: String? = nil,
                routingKey: String? = nil, channel: String? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.headers = headers
        self.secret = secret
        self.routingKey = routingKey
        self.channel = channel
    }

    /// PagerDuty's public Events API v2 endpoint, the default of a `pagerduty` receiver.
    public static let pagerDutyEventsURL = "https://events.pagerduty.com/v2/enqueue"
}
