import Hummingbird
import Logging

/// Gives every failure the API's JSON error body: unknown paths and methods, and failures
/// nobody mapped (logged, answered 500 with `internal`).
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// For 405: the methods a path that has routes answers.
    let routeMethods: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            // No route: a known path asked with another method is 405, anything else 404.
            let allowed = routeMethods.allowed(path: request.uri.path)
            guard !allowed.isEmpty else {
                throw APIError(.notFound, code: "not_found", message: "no route for \(request.method.rawValue) \(request.uri.path)")
            }
            var answer = APIError(.methodNotAllowed, code: "method_not_allowed",
                                  message: "\(request.uri.path) answers \(allowed.joined(separator: ", ")), not \(request.method.rawValue)")
            answer.allow = allowed
            throw answer
        } catch let error as HTTPError {
            throw APIError(error.status, code: error.status == .notFound ? "not_found" : "http_\(error.status.code)",
                           message: error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", message: "the request failed inside alertgate: \(error)")
        }
    }
}
