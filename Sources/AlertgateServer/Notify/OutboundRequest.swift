/// One HTTP request to a receiver: what the sender posts, built by `ReceiverRequests`.
struct OutboundRequest: Sendable, Equatable {
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    static func == (lhs: OutboundRequest, rhs: OutboundRequest) -> Bool {
        lhs.url == rhs.url && lhs.body == rhs.body && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
