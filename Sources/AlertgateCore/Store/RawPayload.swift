/// The original bytes of a request, restored.
public struct RawPayload: Hashable, Sendable {
    public var id: Int64
    public var source: SignalSource
    public var contentType: String
    public var receivedAt: Timestamp
    public var bytes: [UInt8]

    public init(id: Int64, source: SignalSource, contentType: String, receivedAt: Timestamp, bytes: [UInt8]) {
        self.id = id
        self.source = source
        self.contentType = contentType
        self.receivedAt = receivedAt
        self.bytes = bytes
    }
}
