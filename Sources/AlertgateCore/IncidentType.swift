/// What kind of trouble an incident is.
public enum IncidentType: String, CaseIterable, Codable, Sendable {
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

    public init?(code: Int) {
        guard let type = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = type
    }
}
