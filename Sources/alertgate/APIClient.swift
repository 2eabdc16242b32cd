import AsyncHTTPClient
import Foundation
import NIOCore

/// A small JSON client for the CLI commands, on AsyncHTTPClient (the server's own HTTP client,
/// `DeliveryClient`), not URLSession: URLSession lives in FoundationNetworking, which brings
/// libcurl and its TLS, Kerberos and LDAP libraries into every alertgate process, the server's
/// included (about 4 MiB of its resident memory; BENCHMARKS.md, notes of the runs of 2026-12-04
/// 03:45 and 03:55).
struct APIClient {
    let base: String

    /// The largest answer read; the largest the server gives is an export page or a review.
    static let maxAnswerBytes = 64 << 20

    /// One client for the process. A refused connection fails at once: the pool's default is
    /// to retry it with backoff until the request's deadline, which kept `alertgate` waiting
    /// 30 s to say that no server was there.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func send(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws -> (status: Int, data: Data) {
        let trimmed = base.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let url = URL(string: trimmed + path), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw Failure(description: "invalid server URL \(base)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .init(rawValue: method)
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: contentType)
        }
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: .seconds(30))
        } catch {
            throw Failure(description: "cannot reach \(base): \(error)")
        }
        do {
            let answer = try await response.body.collect(upTo: Self.maxAnswerBytes)
            return (Int(response.status.code), Data(answer.readableBytesView))
        } catch {
            throw Failure(description: "\(method) \(path): HTTP \(response.status.code), its answer could not be read: \(error)")
        }
    }

    /// Sends and expects a 2xx answer holding JSON; an error answer becomes its message.
    func json(_ method: String, _ path: String, body: [String: String]? = nil) async throws -> (object: Any, data: Data) {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, data) = try await send(method, path, body: payload)
        let object = (try? JSONSerialization.jsonObject(with: data)) ?? [:]
        guard (200..<300).contains(status) else {
            let error = (object as? [String: Any])?["error"] as? [String: Any]
            throw Failure(description: "HTTP \(status): \(error?["message"] as? String ?? String(decoding: data, as: UTF8.self))")
        }
        return (object, data)
    }
}
