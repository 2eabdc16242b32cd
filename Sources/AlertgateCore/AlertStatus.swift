/// Whether an alert is still firing.
public enum AlertStatus: String, CaseIterable, StoredCode, Codable, Sendable {
    case firing, resolved

    public var code: Int { self == .firing ? 1 : 2 }
}
