import Synchronization

/// Where people reach this alertgate, for links in notifications: `http.external_url` when
/// set, else `http://host:port` (or https) of the listener once it is bound (port 0 picks one).
public final class ExternalURL: Sendable {
    private let configured: String?
    private let bound = Mutex<String?>(nil)

    init(configured: String?) {
        self.configured = configured.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    func listening(host: String, port: Int, scheme: String = "http") {
        let shown = host.contains(":") ? "[\(host)]" : host
        bound.withLock { $0 = "\(scheme)://\(shown):\(port)" }
    }

    var value: String {
        configured ?? bound.withLock { $0 } ?? "http://127.0.0.1"
    }
}
