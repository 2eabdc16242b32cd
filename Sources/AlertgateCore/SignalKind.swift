/// What a signal is. Stored as its small integer code.
public enum SignalKind: String, CaseIterable, StoredCode, Codable, Sendable {
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
}
