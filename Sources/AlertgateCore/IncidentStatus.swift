/// Where an incident is in its life.
public enum IncidentStatus: String, CaseIterable, StoredCode, Codable, Sendable {
    case open, acknowledged, resolved, closed

    public var code: Int {
        switch self {
        case .open: 1
        case .acknowledged: 2
        case .resolved: 3
        case .closed: 4
        }
    }

    /// Open or acknowledged: someone may still need to act.
    public var isActive: Bool { self == .open || self == .acknowledged }
}
