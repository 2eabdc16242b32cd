/// Who noticed an incident first: the signal that opened it.
public enum DetectedBy: String, CaseIterable, StoredCode, Codable, Sendable {
    case monitoring, tracing
    case userReport = "user_report"
    /// A synthetic check (Checkly): monitoring that acts as a user would.
    case syntheticCheck = "synthetic_check"
    /// A heartbeat missed or failed: a job that must keep running stopped.
    case heartbeat

    public var code: Int {
        switch self {
        case .monitoring: 1
        case .tracing: 2
        case .userReport: 3
        case .syntheticCheck: 4
        case .heartbeat: 5
        }
    }

    public init(_ signal: Signal) {
        switch (signal.kind, signal.source) {
        case (.trace, _): self = .tracing
        case (.report, _): self = .userReport
        case (_, .checkly): self = .syntheticCheck
        case (_, .heartbeat): self = .heartbeat
        case (.alert, _), (.change, _), (.log, _): self = .monitoring
        }
    }
}
