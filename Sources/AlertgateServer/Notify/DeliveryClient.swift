import AlertgateCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What came back from one request to a receiver.
enum DeliveryResponse: Sendable {
    /// An HTTP answer: its status, `Retry-After`, and the start of its body (for the error text).
    case answered(status: Int, retryAfter: String?, body: String)
    /// No answer: refused, reset, timed out; the text says which.
    case unreachable(String)
}

/// Sends requests to receivers: the sender holds one for as long as it runs.
protocol DeliveryClient: Sendable {
    func send(_ request: OutboundRequest, timeout: Duration) async -> DeliveryResponse
    func shutdown() async
}

/// Outbound HTTP through AsyncHTTPClient: one client for every receiver, so connections to a
/// receiver are pooled and reused; each request has its own deadline.
final class HTTPDeliveryClient: DeliveryClient {
    private let client: HTTPClient

    /// `connections`: per receiver host, as many as messages may be in flight, so that no
    /// request waits for a connection while its timeout runs.
    init(connectTimeout: Duration, connections: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(connectTimeout.wholeMilliseconds))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ request: OutboundRequest, timeout: Duration) async -> DeliveryResponse {
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        for header in request.headers { http.headers.add(name: header.name, value: header.value) }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(http, timeout: .milliseconds(timeout.wholeMilliseconds))
            let body = try await response.body.collect(upTo: 64 * 1024)
            let text = String(decoding: body.readableBytesView.prefix(300), as: UTF8.self)
            return .answered(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"), body: text)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .unreachable("no answer within \(DurationText.format(timeout)) (notify.timeout)")
        } catch {
            return .unreachable("\(error)")
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
