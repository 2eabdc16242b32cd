import AlertgateCore
@testable import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// Requests an API fuzzer found to be taken wrongly: each is now refused, or read as the
/// clients that send it mean it.
@Suite struct APIStrictnessLiveTests {
    @Test func matcherFlagsMustBeBooleansAndIdsIntegers() async throws {
        try await withRunningGateway { gateway in
            for body in [#"{"matchers": [{"name": "a", "value": "b", "isEqual": 0}], "duration": "1h"}"#,
                         #"{"matchers": [{"name": "a", "value": "b", "isRegex": "yes"}], "duration": "1h"}"#,
                         #"{"matchers": ["a=b"], "duration": "1h", "id": true}"#] {
                let reply = try await gateway.client.post("/api/v1/silences", body)
                #expect(reply.status == 400, "\(body): \(reply.status)")
            }
            #expect((try await gateway.client.get("/api/v1/silences").json["silences"] as? [Any])?.isEmpty == true)
            let regex = try await gateway.client.post("/api/v1/silences", #"{"matchers": [{"name": "a", "value": "b.*", "isRegex": true}], "duration": "1h"}"#)
            #expect(regex.status == 201)
        }
    }

    /// A matcher stored as text must read back the same, or a restart would refuse the database.
    @Test func matchersReadBackTheSameAfterARestart() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        try await withRunningGateway(databasePath: database) { gateway in
            let badName = try await gateway.client.post("/api/v1/silences", #"{"matchers": [{"name": "a!b", "value": "x"}], "duration": "1h"}"#)
            #expect(badName.status == 400)
            for value in ["~x", "=y", "a b", "line\nbreak", #"back\slash"#, #"quote""#] {
                let body = try JSONSerialization.data(withJSONObject: ["matchers": [["name": "service", "value": value]], "duration": "1h"])
                let reply = try await gateway.client.request("POST", "/api/v1/silences", body: body, headers: ["Content-Type": "application/json"])
                #expect(reply.status == 201, "value \(value.debugDescription): \(reply.status) \(reply.text)")
            }
        }
        try await withRunningGateway(databasePath: database) { gateway in
            let listed = try await gateway.client.get("/api/v1/silences").json["silences"] as? [[String: Any]] ?? []
            #expect(listed.count == 6)
        }
        for value in ["~x", "=y", "a b", "line\nbreak", #"back\slash"#, #"quote""#, "", "plain"] {
            let matcher = try LabelMatcher(name: "service", op: .equal, value: value)
            #expect(try LabelMatcher(parsing: matcher.description) == matcher, "\(matcher.description)")
        }
    }

    @Test func aPlusInTheQueryIsASpaceAndPercent2BAPlus() async throws {
        try await withRunningGateway { gateway in
            _ = try await gateway.client.post("/api/v1/events", #"{"title": "DISK at 95%", "service": "db"}"#)
            let plus = try await gateway.client.get("/api/v1/incidents?q=DISK+at").json["incidents"] as? [Any] ?? []
            #expect(plus.count == 1)
            let spaced = try await gateway.client.get("/api/v1/incidents?until=2030-01-01+00:00:00Z")
            #expect(spaced.status == 200, "\(spaced.text)")
            let offset = try await gateway.client.get("/api/v1/incidents?until=2030-01-01T00:00:00%2B01:00")
            #expect(offset.status == 200, "\(offset.text)")
        }
    }

    @Test func expiringAnUnknownSilenceThroughAlertmanagersAPIIs404() async throws {
        try await withRunningGateway { gateway in
            let reply = try await gateway.client.request("DELETE", "/api/v2/silence/999999")
            #expect(reply.status == 404)
        }
    }
}
