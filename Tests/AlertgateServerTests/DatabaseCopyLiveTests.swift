import AlertgateCore
import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// `alertgate db copy --to postgres://...`: an install moved from SQLite to PostgreSQL answers
/// every query as it did, returns every raw body byte for byte, and goes on where it was.
@Suite struct DatabaseCopyLiveTests {
    /// What a user reads back, asked of a gateway on either store.
    static func answers(_ client: TestHTTPClient, incidentIDs: [Int], payloadIDs: [Int]) async throws -> [String: [UInt8]] {
        var paths = ["/api/v1/incidents?limit=100", "/api/v1/alerts/1", "/api/v1/alerts/2", "/api/v1/silences", "/api/v1/audit",
                     "/api/v2/alerts", "/api/v1/stats", "/api/v1/status/components", "/api/v1/notifications"]
        for id in incidentIDs {
            paths += ["/api/v1/incidents/\(id)", "/api/v1/incidents/\(id)/signals", "/api/v1/incidents/\(id)/review"]
        }
        paths += payloadIDs.map { "/api/v1/payloads/\($0)/raw" }
        var answers: [String: [UInt8]] = [:]
        for path in paths {
            let response = try await client.get(path)
            #expect(response.status == 200, "\(path)")
            answers[path] = Array(response.body)
        }
        return answers
    }

    @Test func anInstallMovedToPostgreSQLAnswersAsBeforeAndGoesOn() async throws {
        let url = try await TemporaryPostgres.database()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.file("alertgate.sqlite")
        let first = try FoldedRepeatsLiveTests.fixture("firing-first"), resend = try FoldedRepeatsLiveTests.fixture("firing-resend")
        let clock = ManualClock(try #require(RFC3339.parse("2026-11-29T05:02:40.891Z")))
        let json = ["Content-Type": "application/json"]

        // An install with a bit of everything: folded repeats, a change, a user report, an
        // acknowledged incident with a note, a silence, and tables of several pages.
        let (incidentIDs, payloadIDs, before) = try await withRunningGateway(databasePath: path, clock: clock) { gateway in
            let client = gateway.client
            #expect(try await client.post("/api/v1/events", #"""
                [{"kind": "change", "service": "checkout", "title": "Deploy 1.4.2", "links": [{"href": "https://ci.example/1", "text": "build"}]}]
                """#).status == 202)
            clock.advance(by: .seconds(1))
            #expect(try await client.post("/api/v2/alerts", bytes: first, headers: json).status == 200)
            clock.advance(by: .seconds(1))
            for _ in 0..<3 { #expect(try await client.post("/api/v2/alerts", bytes: resend, headers: json).status == 200) }
            #expect(try await client.post("/api/v1/reports", #"{"title": "Cannot pay with card", "service": "checkout", "reporter": "support-17"}"#).status == 202)
            #expect(try await client.post("/api/v1/events", #"{"title": "Queue backlog", "service": "billing", "severity": "warning", "labels": {"queue": "invoices"}}"#).status == 202)
            // More rows than a page of each table holds (PortableTable.pageKeys): 250 payloads,
            // 2,350 signals and alerts.
            for index in 0..<250 {
                #expect(try await client.post("/api/v1/events", #"{"title": "Disk \#(index) full", "service": "storage"}"#).status == 202)
            }
            let many = (0..<2_100).map { #"{"title": "Shard \#($0) lagging", "service": "search", "labels": {"shard": "\#($0)"}}"# }
            #expect(try await client.post("/api/v1/events", "[\(many.joined(separator: ","))]").status == 202)
            let incidents = try #require(try await client.get("/api/v1/incidents").json["incidents"] as? [[String: Any]])
            let ids = incidents.compactMap { $0["id"] as? Int }
            #expect(ids.count >= 2)
            let id = try #require(ids.first)
            #expect(try await client.post("/api/v1/incidents/\(id)/acknowledge", #"{"by": "ana"}"#).status == 200)
            #expect(try await client.post("/api/v1/incidents/\(id)/notes", #"{"by": "ana", "note": "rolled back 1.4.2"}"#).status == 200)
            #expect(try await client.post("/api/v1/silences",
                                          #"{"matchers": ["service=search"], "duration": "1h", "created_by": "ana", "comment": "reindex"}"#).status == 201)
            var payloads: Set<Int> = []
            for incident in ids {
                let signals = try #require(try await client.get("/api/v1/incidents/\(incident)/signals").json["signals"] as? [[String: Any]])
                payloads.formUnion(signals.compactMap { $0["payload_id"] as? Int })
            }
            let history = try #require(try await client.get("/api/v1/alerts/1").json["history"] as? [[String: Any]])
            payloads.formUnion(history.compactMap { $0["last_payload_id"] as? Int })
            #expect(payloads.count >= 4)
            let payloadIDs = payloads.sorted()
            return (ids, payloadIDs, try await Self.answers(client, incidentIDs: ids, payloadIDs: payloadIDs))
        }

        // The command, as a user runs it.
        let copy = try await ChildProcess.alertgate(["db", "copy", "--to", url, "--database", path])
        #expect(copy.status == 0, "\(copy.err)")
        #expect(copy.out.contains("every count matches"))
        #expect(!copy.out.contains("differs"))
        for table in ["payloads", "signals", "alerts", "incidents", "timeline", "silences", "audit", "incident_services (derived)"] {
            #expect(copy.out.contains(table), "the check lists \(table)")
        }
        #expect(copy.err.contains("payloads: "), "progress on standard error, a line per table when not a terminal")

        // Into a database that now holds rows: refused, nothing written.
        let again = try await ChildProcess.alertgate(["db", "copy", "--to", url, "--database", path])
        #expect(again.status == 2)
        #expect(again.err.contains("copy into an empty database"))

        // The same answers from PostgreSQL, and then it goes on: new rows take new ids.
        try await withRunningGateway(clock: clock, configure: { $0.storage.url = url }) { gateway in
            let after = try await Self.answers(gateway.client, incidentIDs: incidentIDs, payloadIDs: payloadIDs)
            for (path, body) in before.sorted(by: { $0.key < $1.key }) where !["/api/v1/audit", "/api/v1/stats"].contains(path) {
                let copied = after[path] ?? []
                let differsAt = zip(body, copied).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(body.count, copied.count)
                let around = { (bytes: [UInt8]) in String(decoding: bytes[max(0, differsAt - 80)..<min(bytes.count, differsAt + 80)], as: UTF8.self) }
                #expect(copied == body, "\(path), from byte \(differsAt): \(around(body)) became \(around(copied))")
            }
            // The stats as they were, but for the count of this process's own commits.
            let stats = { (body: [UInt8]?) in
                var object = (try? JSONSerialization.jsonObject(with: Data(body ?? []))) as? [String: Any] ?? [:]
                #expect(object.removeValue(forKey: "signals_committed_since_start") != nil)
                return NSDictionary(dictionary: object)
            }
            #expect(stats(after["/api/v1/stats"]) == stats(before["/api/v1/stats"]))

            // The audit log as it was, with this gateway's own reads of it added on top.
            let entries = { (body: [UInt8]?) in (try? JSONSerialization.jsonObject(with: Data(body ?? []))) as? [String: Any] }
            let old = try #require(entries(before["/api/v1/audit"])?["entries"] as? [Any])
            let new = try #require(entries(after["/api/v1/audit"])?["entries"] as? [Any])
            #expect(new.count == old.count + 1)
            #expect(NSArray(array: Array(new.dropFirst())) == NSArray(array: old))

            clock.advance(by: .seconds(2))
            #expect(try await gateway.client.post("/api/v2/alerts", bytes: resend, headers: json).status == 200)
            #expect(try await gateway.client.get("/api/v1/alerts/1").json["count"] as? Int == 5, "the resend folds into the alert the copy left firing")
            let note = try await gateway.client.post("/api/v1/incidents/\(incidentIDs[0])/notes", #"{"by": "ana", "note": "on PostgreSQL now"}"#)
            #expect(note.status == 200, "a new timeline line takes an id after the copied ones")
            let created = try await gateway.client.post("/api/v1/silences",
                                                        #"{"matchers": ["service=mail"], "duration": "1h", "created_by": "ana", "comment": "move"}"#)
            #expect(created.status == 201)
            #expect((try await gateway.client.get("/api/v1/silences").json["silences"] as? [[String: Any]])?.count == 2)
        }
    }
}
