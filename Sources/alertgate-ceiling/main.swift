// The ceiling of the HTTP layer on a machine: a Hummingbird server with nothing behind it.
// It reads each request body the way alertgate does (collected up to 1 MiB) and answers 202,
// so `scripts/bench` can compare alertgate's ingest routes with the cost of HTTP alone.
//
//     alertgate-ceiling [PORT]      (0 or absent: any free port; the URL is printed)
import Hummingbird
import Foundation
import Logging

let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 0
var logger = Logger(label: "alertgate-ceiling")
logger.logLevel = .warning

let router = Router(context: BasicRequestContext.self)
for path in ["/api/v1/events", "/api/v2/alerts"] {
    router.post(RouterPath(path)) { request, _ -> Response in
        _ = try await request.body.collect(upTo: 1 << 20)
        return Response(status: .accepted)
    }
}
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "alertgate-ceiling"),
    onServerRunning: { channel in
        print("alertgate-ceiling listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)")
        fflush(nil as UnsafeMutablePointer<FILE>?)
    },
    logger: logger)
try await app.runService()
