/// Whether a signal says a problem is happening or has ended.
public enum SignalStatus: String, CaseIterable, Codable, Sendable {
    case firing, resolved

    public var code: Int { self == .firing ? 1 : 2 }

    public init?(code: Int) {
        switch code {
        case 1: self = .firing
        case 2: self = .resolved
        default: return nil
        }
    }
}
