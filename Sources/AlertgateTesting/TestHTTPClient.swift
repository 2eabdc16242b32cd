import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A plain HTTP client over real sockets for live tests.
public struct TestHTTPClient: Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data

        /// The body as a JSON object (empty when it is not one).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        /// The body as a JSON array of objects (empty when it is not one).
        public var jsonArray: [[String: Any]] {
            (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? []
        }

        public var text: String { String(decoding: body, as: UTF8.self) }

        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    public let baseURL: String
    private let session: URLSession

    /// `literal`: redirects are answered as they are, not followed, and cookies are neither
    /// kept nor sent by the client (a test sends the `Cookie` header itself).
    public init(baseURL: String, literal: Bool = false) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        // A whole `swift test` runs every test at once on two cores: a request can wait a long
        // time for its turn without anything being wrong: a 30 s bound once ran out in CI.
        configuration.timeoutIntervalForRequest = 120
        configuration.httpMaximumConnectionsPerHost = 32
        if literal {
            configuration.httpShouldSetCookies = false
            configuration.httpCookieAcceptPolicy = .never
            session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
        } else {
            session = URLSession(configuration: configuration)
        }
    }

    public func request(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if body != nil, headers.keys.first(where: { $0.lowercased() == "content-type" }) == nil {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    public func get(_ path: String) async throws -> Reply {
        try await request("GET", path)
    }

    public func post(_ path: String, _ body: String, headers: [String: String] = [:]) async throws -> Reply {
        try await request("POST", path, body: Data(body.utf8), headers: headers)
    }

    public func post(_ path: String, bytes: [UInt8], headers: [String: String] = [:]) async throws -> Reply {
        try await request("POST", path, body: Data(bytes), headers: headers)
    }
}

/// Answers a redirect as the reply instead of following it.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// Polls `condition` until it holds or `timeout` passes: live tests allow for timing slack
/// instead of sleeping a fixed time.
public func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
