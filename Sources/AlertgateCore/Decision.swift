/// What the pipeline did with one signal (API.md's `decision`).
public enum Decision: String, CaseIterable, StoredCode, Codable, Sendable {
    case opened, attached, `repeat`, resolved, reopened, silenced, suppressed, recorded
    /// Stored and waiting: a threshold rule holds the incident back until enough alerts arrive.
    case pending

    public var code: Int {
        switch self {
        case .opened: 1
        case .attached: 2
        case .repeat: 3
        case .resolved: 4
        case .reopened: 5
        case .silenced: 6
        case .suppressed: 7
        case .recorded: 8
        case .pending: 9
        }
    }
}
