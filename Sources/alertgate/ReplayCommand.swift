import ArgumentParser
import Foundation

/// Sends recorded payloads to a running server, as they were captured.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send recorded payloads to a running server.",
        discussion: """
            Each FILE is sent as one request body. Files ending in .ndjson or .jsonl are sent in
            chunks of --lines lines as NDJSON. Progress goes to standard error each second.

            With --udp HOST:PORT the files are captured datagrams instead (syslog, GELF, JSON
            events): each file is sent as one datagram, except text files (.log, .syslog) whose
            every line is one datagram. UDP has no answer: check `alertgate_udp_*` in /metrics.
            """)

    @OptionGroup var server: ServerOptions
    @Option(help: "The ingest path to post to.") var path: String = "/api/v1/events"
    @Option(help: "Content-Type for whole-file bodies.") var contentType: String = "application/json"
    @Option(help: "Lines per request for NDJSON files.") var lines: Int = 500
    @Option(help: "Send the files as datagrams to this UDP address (e.g. 127.0.0.1:5514) instead of over HTTP.") var udp: String?
    @Argument(help: "Files of recorded payloads.") var files: [String]

    func validate() throws {
        guard lines > 0 else { throw ValidationError("--lines must be positive") }
        guard path.hasPrefix("/") else { throw ValidationError("--path must start with /") }
    }

    func run() async throws {
        if let udp {
            return try replayDatagrams(to: udp)
        }
        let client = APIClient(base: server.server)
        var progress = ReplayProgress(totalFiles: files.count)
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            for (body, type) in bodies(of: data, name: file) {
                let (status, answer) = try await client.send("POST", path, body: body, contentType: type)
                progress.record(status: status, answer: answer, file: file)
            }
            progress.finishFile()
        }
        progress.report(final: true)
        if progress.failedRequests > 0 { throw ExitCode(1) }
    }

    func bodies(of data: Data, name: String) -> [(Data, String)] {
        guard name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") else { return [(data, contentType)] }
        let all = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        return stride(from: 0, to: all.count, by: lines).map { start in
            let chunk = all[start..<min(start + lines, all.count)]
            return (Data(chunk.joined(separator: [UInt8(ascii: "\n")])), "application/x-ndjson")
        }
    }
}

/// Counts of a replay, printed to standard error at most once a second.
struct ReplayProgress {
    let totalFiles: Int
    var files = 0
    var requests = 0
    var failedRequests = 0
    var accepted = 0
    var rejectedItems = 0
    var lastReport = Date()

    init(totalFiles: Int) {
        self.totalFiles = totalFiles
    }

    mutating func record(status: Int, answer: Data, file: String) {
        requests += 1
        let object = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any]
        if (200..<300).contains(status) {
            accepted += object?["accepted"] as? Int ?? 0
            rejectedItems += (object?["errors"] as? [Any])?.count ?? 0
        } else {
            failedRequests += 1
            let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? String(decoding: answer.prefix(200), as: UTF8.self)
            FileHandle.standardError.write(Data("\(file): HTTP \(status): \(message)\n".utf8))
        }
        if Date().timeIntervalSince(lastReport) >= 1 { report(final: false) }
    }

    mutating func finishFile() {
        files += 1
    }

    mutating func report(final: Bool) {
        lastReport = Date()
        let line = "\(final ? "replayed" : "replaying") \(files)/\(totalFiles) files: \(requests) requests, \(accepted) signals accepted, \(rejectedItems) items rejected, \(failedRequests) requests failed\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
