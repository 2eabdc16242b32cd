/// The severity a sender gives a signal (PagerDuty's four levels, which most tools map onto).
public enum Severity: String, CaseIterable, StoredCode, Codable, Sendable, Comparable {
    case info, warning, error, critical

    /// Higher is worse; stored as this code.
    public var code: Int {
        switch self {
        case .info: 1
        case .warning: 2
        case .error: 3
        case .critical: 4
        }
    }

    /// Accepts the common spellings senders use (`crit`, `page`, `warn`, `err`, `informational`...).
    public init?(lenient text: String) {
        switch text.lowercased() {
        case "critical", "crit", "fatal", "emergency", "emerg", "alert", "page", "p1", "sev1", "high": self = .critical
        case "error", "err", "major", "p2", "sev2": self = .error
        case "warning", "warn", "minor", "medium", "p3", "sev3": self = .warning
        case "info", "informational", "notice", "debug", "low", "none", "ok", "p4", "p5", "sev4": self = .info
        default: return nil
        }
    }

    /// A syslog severity (0 emergency … 7 debug, also GELF's `level`): 0–2 critical, 3 error,
    /// 4 warning, 5–7 info.
    public init(syslogLevel level: Int) {
        switch level {
        case ...2: self = .critical
        case 3: self = .error
        case 4: self = .warning
        default: self = .info
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.code < rhs.code }
}
