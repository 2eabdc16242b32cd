// The ceiling of the HTTP layer on a machine: a Hummingbird server with nothing behind it.
// It reads each request body the way alertgate does (collected up to 1 MiB) and answers 202,
// so `scripts/bench` can compare alertgate's ingest routes with the cost of HTTP alone.
//
// With `--decode`, `POST /api/v2/alerts` also does what alertgate does to a request before its
// pipeline: decodes the body (`AlertmanagerAPICodec`), fingerprints each alert and compresses the
// body (`PayloadCompressor`, as `SQLiteStore.preparePayload`), then answers 200 as alertgate does
// (400 for a body it cannot decode). Nothing is correlated or stored, and alertgate's middleware
// (metrics, error bodies) and body reader (limits, content encodings) are left out: a floor of
// alertgate's requests without their pipeline, a little below what the real server's cost.
//
// With `--store PATH`, it does the same and then commits the least a durable store of alerts
// writes for the request (`MinimalStore`, a SQLite database at PATH) before answering 200: the
// raw payload, an alert per fingerprint with its labels, a signal per alert. Nothing is
// correlated. A measured floor of a gateway that keeps every alert before it answers. With
// `--schema-rows` as well, it writes alertgate's own rows for each new alert instead (its timeline
// line, its transition, the incident's row and lists; `MinimalStore`): what a gateway that keeps
// alertgate's rows durably reaches at best.
//
//     alertgate-ceiling [--decode | --store PATH [--schema-rows]] [PORT]   (0 or absent: any free port; the URL is printed)
import AlertgateCodecs
import AlertgateCore
import AlertgateStorage
import Foundation
import Hummingbird
import Logging

var decodes = false
var storePath: String?
var schemaRows = false
var port = 0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch (argument, Int(argument)) {
    case ("--decode", _):
        decodes = true
    case ("--store", _) where arguments.first.map { !$0.hasPrefix("--") } ?? false:
        decodes = true
        storePath = arguments.popFirst()
    case ("--schema-rows", _):
        schemaRows = true
    case (_, let number?):
        port = number
    default:
        usage()
    }
}
if schemaRows, storePath == nil { usage() }

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: alertgate-ceiling [--decode | --store PATH [--schema-rows]] [PORT]\n".utf8))
    exit(2)
}
// The process-wide SQLite setting `alertgate serve` makes (`Gateway.prepareProcess`), before the
// store opens: the minimal gateway stays the floor of a store with alertgate's settings.
if storePath != nil { SQLiteLibrary.stopCountingMemory() }
var logger = Logger(label: "alertgate-ceiling")
logger.logLevel = .warning

/// Reads the body as alertgate does and answers 202: the HTTP layer alone.
@Sendable func accept(_ request: Request, _: BasicRequestContext) async throws -> Response {
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .accepted)
}

let router = Router(context: BasicRequestContext.self)
router.post("/api/v1/events", use: accept)
if decodes {
    let compressor = PayloadCompressor()
    let clock = SystemWallClock()
    let store: MinimalStore?
    do {
        store = try storePath.map { try MinimalStore.open(path: $0, schemaRows: schemaRows) }
    } catch {
        FileHandle.standardError.write(Data("alertgate-ceiling: \(error)\n".utf8))
        exit(1)
    }
    router.post("/api/v2/alerts") { request, _ -> Response in
        let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
        let receivedAt = clock.now()
        guard let batch = try? AlertmanagerAPICodec().decode(body, receivedAt: receivedAt) else { return Response(status: .badRequest) }
        let fingerprints = batch.signals.map { Fingerprint.of($0.signal) }
        let payload = compressor.compress(body, key: fingerprints.first?.value ?? "", source: .alertmanagerAPI,
                                          contentType: request.headers[.contentType] ?? "", receivedAt: receivedAt)
        if let store {
            let alerts = zip(fingerprints, batch.signals).map { MinimalStore.Alert(fingerprint: $0.value, signal: $1.signal) }
            try await store.write(payload: payload.bytes, originalSize: body.count, receivedAt: receivedAt, alerts: alerts)
        }
        return Response(status: .ok)
    }
} else {
    router.post("/api/v2/alerts", use: accept)
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
