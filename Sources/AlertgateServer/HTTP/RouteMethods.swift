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

    /// The methods routed for `path`, sorted; empty for a path no route has. As the router
    /// does, a literal segment wins over a parameter at the first place they differ: only the
    /// most literal routes that match count (`/status/report` is not `/status/{page}`).
    func allowed(path: String) -> [String] {
        let asked = path.split(separator: "/")
        let methods = routes.withLock { routes in
            let matching = routes.filter { route in
                route.segments.count == asked.count
                    && zip(route.segments, asked).allSatisfy { pattern, segment in
                        Self.isParameter(pattern) || pattern == segment
                    }
            }
            let literal = { (route: Route) in route.segments.map { Self.isParameter($0) ? 0 : 1 } }
            guard let best = matching.map(literal).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [String]() }
            return matching.filter { literal($0) == best }.map(\.method.rawValue)
        }
        return Set(methods).sorted()
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.first == "{" || segment.first == ":" || segment == "*"
    }
}
