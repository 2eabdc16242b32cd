/// The ingest path a signal came through. Stored as its small integer code, so codes are
/// never reused or renumbered.
public enum SignalSource: String, CaseIterable, StoredCode, Codable, Sendable {
    case events
    case reports
    case changes
    case alertmanagerAPI = "alertmanager_api"
    case alertmanagerWebhook = "alertmanager_webhook"
    case grafana
    case pagerduty
    case otlp
    case gelf
    case syslog
    case jsonDatagram = "json_datagram"
    case checkly
    /// Heartbeats: pings, their misses and failures (`/api/v1/heartbeats/{name}`).
    case heartbeat
    /// Support desks' webhooks (`/api/v1/ingest/{zendesk,intercom,freshdesk}`): user reports.
    case zendesk, intercom, freshdesk
    /// The status page's "Report a problem" form (`POST /status/report`).
    case statusPage = "status_page"

    public var code: Int {
        switch self {
        case .events: 1
        case .reports: 2
        case .changes: 3
        case .alertmanagerAPI: 4
        case .alertmanagerWebhook: 5
        case .grafana: 6
        case .pagerduty: 7
        case .otlp: 8
        case .gelf: 9
        case .syslog: 10
        case .jsonDatagram: 11
        case .checkly: 12
        case .heartbeat: 13
        case .zendesk: 14
        case .intercom: 15
        case .freshdesk: 16
        case .statusPage: 17
        }
    }
}
