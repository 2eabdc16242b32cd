/// Everything a reload replaces: the catalog, the classification and correlation rules, the
/// maintenance windows and the silences the config file declares. The pipeline's state
/// (alerts, incidents, silences made through the API) stays.
public struct Policy: Hashable, Sendable {
    public var catalog = ServiceCatalog()
    public var classification = ClassificationRules()
    public var correlation = CorrelationRules()
    public var maintenance: [MaintenanceWindow] = []
    /// Silences from the config file: stored once each (by `configKey`), then managed like any.
    public var silences: [Silence] = []
    /// Receivers, routes and escalation policies.
    public var notifications = NotificationPolicy()
    /// API tokens; none: no authentication (loopback only, unless started `--insecure`).
    public var tokens: [AuthToken] = []
    /// Heartbeats the config declares (`heartbeats:`); others are made by their first ping.
    public var heartbeats: [HeartbeatSpec] = []

    public init() {}

    public var classifier: Classifier { Classifier(rules: classification, catalog: catalog) }
    public var enricher: Enricher { Enricher(catalog: catalog) }
}
