/// A timeline entry with its stored id.
public struct StoredTimelineEntry: Hashable, Sendable {
    public var id: Int64
    public var entry: TimelineEntry

    public init(id: Int64, entry: TimelineEntry) {
        self.id = id
        self.entry = entry
    }
}
