/// How many people an incident needs: SEV1 all hands, SEV2 on-call now, SEV3 on-call in
/// working hours, SEV4 a ticket.
public enum IncidentSeverity: String, CaseIterable, StoredCode, Codable, Sendable, Comparable {
    case sev1 = "SEV1", sev2 = "SEV2", sev3 = "SEV3", sev4 = "SEV4"

    public var code: Int {
        switch self {
        case .sev1: 1
        case .sev2: 2
        case .sev3: 3
        case .sev4: 4
        }
    }

    /// SEV1 is the most severe, so it sorts first.
    public static func < (lhs: IncidentSeverity, rhs: IncidentSeverity) -> Bool { lhs.code < rhs.code }
}
