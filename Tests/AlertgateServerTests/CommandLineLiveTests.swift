import AlertgateTesting
import Foundation
import Testing

/// The `alertgate` command line against a real server.
@Suite struct CommandLineLiveTests {
    func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let exit = try await ChildProcess.alertgate(arguments)
        return (exit.status, exit.out, exit.err)
    }

    @Test func incidentsListShowAckResolve() async throws {
        try await withRunningGateway { gateway in
            let reply = try await gateway.client.post("/api/v1/events", #"{"title": "Search index stale", "service": "search", "severity": "warning"}"#)
            let id = try #require((reply.json["results"] as? [[String: Any]])?.first?["incident_id"] as? Int)

            let list = try await run(["incidents", "list", "--server", gateway.baseURL])
            #expect(list.status == 0)
            #expect(list.out.contains("STATUS"))
            #expect(list.out.contains("Search index stale"))
            #expect(list.out.contains("SEV3"))

            let json = try await run(["incidents", "list", "--json", "--server", gateway.baseURL])
            let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
            #expect((object?["incidents"] as? [[String: Any]])?.first?["id"] as? Int == id)

            let show = try await run(["incidents", "show", "\(id)", "--server", gateway.baseURL])
            #expect(show.out.contains("Incident \(id): Search index stale"))
            #expect(show.out.contains("Timeline"))

            let ack = try await run(["incidents", "ack", "\(id)", "--by", "carol", "--server", gateway.baseURL])
            #expect(ack.status == 0)
            #expect(ack.out.contains("acknowledged"))
            let resolve = try await run(["incidents", "resolve", "\(id)", "--server", gateway.baseURL])
            #expect(resolve.out.contains("resolved"))
            let again = try await run(["incidents", "ack", "\(id)", "--server", gateway.baseURL])
            #expect(again.status != 0)
            #expect(again.err.contains("409"))

            let missing = try await run(["incidents", "show", "999", "--server", gateway.baseURL])
            #expect(missing.status != 0)
            #expect(missing.err.contains("does not exist"))
        }
    }

    @Test func aServerThatIsNotThereOrABadURLIsNamed() async throws {
        // Port 1 on the loopback: nothing listens there, so the connection is refused, and
        // the command says so at once (not after retrying until its 30 s deadline).
        let down = try await ChildProcess.alertgate(["incidents", "list", "--server", "http://127.0.0.1:1"], timeout: .seconds(10))
        #expect(down.status != 0)
        #expect(down.err.contains("cannot reach http://127.0.0.1:1"))
        let bad = try await run(["stats", "--server", "not a url"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("invalid server URL not a url"))
    }

    @Test func servingOnAPortAlreadyHeldNamesItAndExits() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await withRunningGateway { gateway in
            // The held port is this test's running gateway's. A UDP listener stays on: the failed
            // HTTP bind cancels it, and it must stop for the process to exit.
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let exit = try await ChildProcess.alertgate(
                ["serve", "--port", "\(port)", "--database", folder.file("second.sqlite"), "--syslog-port", "off", "--gelf-port", "off",
                 "--json-port", "0"],
                timeout: .seconds(30))
            #expect(exit.status != 0)
            #expect(exit.err.contains("cannot listen for HTTP on 127.0.0.1:\(port): address already in use"), "\(exit.err)")
            #expect(!exit.err.contains("crashed"))
        }
    }

    @Test func replaySendsRecordedPayloadsWithProgress() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let lines = (0..<1200).map { #"{"title": "replayed \#($0 % 7)", "service": "replay-\#($0 % 3)"}"# }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder.file("events.ndjson")))
        try Data(#"[{"title": "from an array", "service": "replay-0"}, {"service": "no title"}]"#.utf8).write(to: URL(fileURLWithPath: folder.file("batch.json")))

        try await withRunningGateway { gateway in
            let result = try await run(["replay", "--server", gateway.baseURL, "--lines", "500", folder.file("events.ndjson"), folder.file("batch.json")])
            #expect(result.status == 0)
            #expect(result.err.contains("replayed 2/2 files: 4 requests, 1201 signals accepted, 1 items rejected, 0 requests failed"))
            let stats = try await gateway.client.get("/api/v1/stats")
            // 22 distinct events stored as signals; the other 1179 repeat one unchanged and fold.
            #expect(stats.json["signals"] as? Int == 22)
            #expect(stats.json["repeats_folded"] as? Int == 1179)
            let incidents = try await gateway.client.get("/api/v1/incidents")
            #expect((incidents.json["incidents"] as? [Any])?.count == 3)
        }
    }

    @Test func replaySendsCapturedDatagramsOverUDP() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/syslog")
        let captured = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".txt") }.sorted()
        #expect(!captured.isEmpty)
        try Data("<11>1 - web-1 replayed-proxy - - - upstream timed out after 30 s\n<11>Nov 29 05:00:00 web-2 replayed-proxy: upstream timed out after 12 s\n".utf8)
            .write(to: URL(fileURLWithPath: folder.file("tail.log")))

        try await withRunningGateway(configure: { $0.udp.syslogPort = 0; $0.logs.maxLevel = 7 }) { gateway in
            var port: Int?
            _ = try await eventually { port = gateway.gateway.udpPorts.port("syslog"); return port != nil }
            let files = captured.map { fixtures.appendingPathComponent($0).path } + [folder.file("tail.log")]
            let result = try await run(["replay", "--udp", "127.0.0.1:\(try #require(port))"] + files)
            #expect(result.status == 0)
            #expect(result.err.contains("\(captured.count + 2) datagrams sent, 0 failed"))
            let stored = try await eventually {
                let stats = try await gateway.client.get("/api/v1/stats")
                return ((stats.json["udp"] as? [String: Any])?["syslog"] as? [String: Any])?["stored"] as? Int == captured.count + 2
            }
            #expect(stored)
            let nginx = try await gateway.client.get("/api/v1/incidents?service=replayed-proxy")
            #expect((nginx.json["incidents"] as? [[String: Any]])?.first?["alert_count"] as? Int == 2)
        }
    }
}
