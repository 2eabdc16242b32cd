/// What kind of trouble an incident is.
public enum IncidentType: String, CaseIterable, StoredCode, Codable, Sendable {
    case outage, degradation, security
    case userIssue = "user_issue"

    public var code: Int {
        switch self {
        case .outage: 1
        case .degradation: 2
        case .security: 3
        case .userIssue: 4
        }
    }
}
