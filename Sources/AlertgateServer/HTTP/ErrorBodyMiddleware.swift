import Hummingbird
import Logging

/// Gives every failure the API's JSON error body: unknown paths and methods, and failures
/// nobody mapped (logged, answered 500 with `internal`).
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            let message = error.body ?? (error.status == .notFound
                ? "no route for \(request.method.rawValue) \(request.uri.path)"
                : error.status.reasonPhrase)
            throw APIError(error.status, code: error.status == .notFound ? "not_found" : "http_\(error.status.code)", message: message)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", message: "the request failed inside alertgate: \(error)")
        }
    }
}
