/// Who noticed an incident first.
public enum DetectedBy: String, CaseIterable, Codable, Sendable {
    case monitoring, tracing
    case userReport = "user_report"

    public var code: Int {
        switch self {
        case .monitoring: 1
        case .tracing: 2
        case .userReport: 3
        }
    }

    public init?(code: Int) {
        guard let value = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = value
    }

    public init(kind: SignalKind) {
        switch kind {
        case .trace: self = .tracing
        case .report: self = .userReport
        case .alert, .change, .log: self = .monitoring
        }
    }
}
