/// What a signal is. Stored as its small integer code.
public enum SignalKind: String, CaseIterable, Codable, Sendable {
    case alert, trace, report, change, log

    public var code: Int {
        switch self {
        case .alert: 1
        case .trace: 2
        case .report: 3
        case .change: 4
        case .log: 5
        }
    }

    public init?(code: Int) {
        guard let kind = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = kind
    }
}
