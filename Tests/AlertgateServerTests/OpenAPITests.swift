@testable import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// docs/openapi.yaml and the router say the same: every route is documented, every documented
/// operation is routed, and each documents the scope `RouteScope` gives it.
@Suite struct OpenAPITests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/openapi.yaml").standardized

    /// `METHOD /path/{param}` → `x-alertgate-scope`, read from the document's `paths` section
    /// (two-space path keys, four-space method keys), not from `webhooks`.
    static func documented() throws -> [String: String] {
        let lines = try String(contentsOf: document, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var operations: [String: String] = [:]
        var inPaths = false
        var path: String?
        var operation: String?
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if !line.hasPrefix(" ") { inPaths = line.hasPrefix("paths:"); path = nil; operation = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
                operation = nil
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(method) {
                    operation = "\(method) \(path)"
                    operations[operation!] = ""
                } else {
                    operation = nil
                }
            } else if let operation, line.trimmingCharacters(in: .whitespaces).hasPrefix("x-alertgate-scope:") {
                operations[operation] = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedWithItsScopeAndNothingElseIs() async throws {
        let documented = try Self.documented()
        try await withRunningGateway { gateway in
            // The console's pages (`/ui`, `ConsoleRoutes`) are HTML for a browser with a session
            // cookie, not API: README and ARCHITECTURE.md describe them, this document does not.
            let routes = gateway.gateway.makeRouter().routes.filter { !ConsoleRoutes.isConsole(path: $0.path.description) }
                .map { route -> (key: String, path: String, method: String) in
                let parts = route.path.description.split(separator: "/")
                let documentedPath = parts.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                return ("\(route.method.rawValue) /\(documentedPath)", "/" + parts.joined(separator: "/"), route.method.rawValue)
            }
            let routed = Set(routes.map(\.key))
            #expect(routed.subtracting(documented.keys).sorted() == [], "routed but not in docs/openapi.yaml")
            #expect(Set(documented.keys).subtracting(routed).sorted() == [], "in docs/openapi.yaml but not routed")
            for route in routes {
                let scope: String = switch RouteScope.need(method: .init(route.method)!, path: route.path.replacingOccurrences(of: ":id", with: "1")) {
                case .none: "none"
                case .metrics: "read"
                case .scope(let scope): scope.rawValue
                }
                #expect(documented[route.key] == scope, "\(route.key): the document says \(documented[route.key] ?? "nothing"), RouteScope \(scope)")
            }
        }
    }
}
