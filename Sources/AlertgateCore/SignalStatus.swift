/// Whether a signal says a problem is happening, that someone is on it (PagerDuty's
/// `acknowledge`), or that it has ended.
public enum SignalStatus: String, CaseIterable, StoredCode, Codable, Sendable {
    case firing, resolved, acknowledged

    public var code: Int {
        switch self {
        case .firing: 1
        case .resolved: 2
        case .acknowledged: 3
        }
    }
}
