import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client for the CLI commands.
struct APIClient {
    let base: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func send(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws -> (status: Int, data: Data) {
        guard let url = URL(string: base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) else {
            throw Failure(description: "invalid server URL \(base)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw Failure(description: "cannot reach \(base): \(error.localizedDescription)")
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
