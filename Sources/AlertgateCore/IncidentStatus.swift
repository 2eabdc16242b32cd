/// Where an incident is in its life.
public enum IncidentStatus: String, CaseIterable, Codable, Sendable {
    case open, acknowledged, resolved, closed

    public var code: Int {
        switch self {
        case .open: 1
        case .acknowledged: 2
        case .resolved: 3
        case .closed: 4
        }
    }

    public init?(code: Int) {
        guard let status = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = status
    }

    /// Open or acknowledged: someone may still need to act.
    public var isActive: Bool { self == .open || self == .acknowledged }
}
