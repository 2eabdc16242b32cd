/// Filters of the incident list; ids descend, `beforeID` is the cursor.
public struct IncidentQuery: Hashable, Sendable {
    public var statuses: [IncidentStatus] = []
    public var service: String?
    public var severities: [IncidentSeverity] = []
    public var types: [IncidentType] = []
    public var since: Timestamp?
    public var until: Timestamp?
    public var text: String?
    public var beforeID: Int64?
    public var limit = 50

    public init() {}
}
