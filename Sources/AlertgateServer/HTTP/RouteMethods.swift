import Hummingbird
import Synchronization

/// The methods each routed path answers, so that a known path asked with another method gets
/// 405 and `Allow` (RFC 9110, section 15.5.6) instead of 404. Filled once the routes are
/// registered; read only on the error path.
final class RouteMethods: Sendable {
    private struct Route {
        /// The path's segments; a parameter (`{id}`) or wildcard matches any one segment.
        var segments: [Substring]
        var method: HTTPRequest.Method
    }

    private let routes = Mutex<[Route]>([])

    /// Takes the router's routes (`Router.routes`) after every route is registered.
    func load(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        let parsed = routes.map { Route(segments: $0.path.split(separator: "/"), method: $0.method) }
        self.routes.withLock { $0 = parsed }
    }

    /// The methods routed for `path`, sorted; empty for a path no route has.
    func allowed(path: String) -> [String] {
        let asked = path.split(separator: "/")
        let methods = routes.withLock { routes in
            routes.filter { route in
                route.segments.count == asked.count
                    && zip(route.segments, asked).allSatisfy { pattern, segment in
                        pattern.first == "{" || pattern.first == ":" || pattern == "*" || pattern == segment
                    }
            }.map(\.method.rawValue)
        }
        return Set(methods).sorted()
    }
}
