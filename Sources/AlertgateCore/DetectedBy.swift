/// Who noticed an incident first.
public enum DetectedBy: String, CaseIterable, StoredCode, Codable, Sendable {
    case monitoring, tracing
    case userReport = "user_report"

    public var code: Int {
        switch self {
        case .monitoring: 1
        case .tracing: 2
        case .userReport: 3
        }
    }

    public init(kind: SignalKind) {
        switch kind {
        case .trace: self = .tracing
        case .report: self = .userReport
        case .alert, .change, .log: self = .monitoring
        }
    }
}
