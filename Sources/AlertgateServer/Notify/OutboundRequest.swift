/// One HTTP request to a receiver: what the sender posts, built by `ReceiverRequests`.
struct OutboundRequest: Sendable {
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
