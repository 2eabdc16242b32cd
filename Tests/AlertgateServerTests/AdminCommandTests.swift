@testable import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// The command line's own commands, run as a user would: `token create` (the token once, and a config line
/// whose hash is the token's), `db check` and `db backup`.
@Suite struct AdminCommandTests {
    /// Runs the binary; stdout then stderr as one text (the commands write one or the other).
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let exit = try await ChildProcess.alertgate(arguments)
        return (exit.status, exit.out + exit.err)
    }

    @Test func aNewTokenAndTheLineThatHoldsItsHash() async throws {
        let made = try await Self.run(["token", "create", "prometheus", "--scopes", "ingest,read"])
        #expect(made.status == 0, "\(made.output)")
        let lines = made.output.split(separator: "\n").map(String.init)
        let token = try #require(lines.first?.components(separatedBy: ": ").last)
        #expect(token.hasPrefix("agt_") && token.count == 47)
        let line = try #require(lines.last?.trimmingCharacters(in: .whitespaces))
        #expect(line == #"- {name: prometheus, sha256: "\#(TokenCheck.sha256(token))", scopes: [ingest, read]}"#)
        // The pasted line loads, and the token it stands for is recognized.
        let config = try ConfigLoader.parse(yaml: "auth:\n  tokens:\n    \(line)")
        #expect(TokenCheck.identify(token, among: config.policy.tokens)?.name == "prometheus")
        #expect(TokenCheck.identify(token + "x", among: config.policy.tokens) == nil)
        // Two runs, two tokens.
        #expect(try await Self.run(["token", "create", "prometheus", "--scopes", "ingest"]).output.split(separator: "\n").first != lines.first.map { Substring($0) })
    }

    @Test func badScopesAndNamesAreRefused() async throws {
        let scope = try await Self.run(["token", "create", "x", "--scopes", "ingest,god"])
        #expect(scope.status != 0 && scope.output.contains("`god` is not one of ingest, read, write, admin"))
        #expect(try await Self.run(["token", "create", "a b", "--scopes", "read"]).status != 0)
    }

    @Test func dbCheckAndBackupOnARealFile() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = folder.file("alertgate.sqlite")
        let process = try await GatewayProcess(arguments: ["--database", database], logPath: folder.file("serve.log"))
        #expect(try await process.client.post("/api/v1/events", #"{"title": "Down", "service": "api"}"#).status == 202)
        // While it runs: an online backup, and a check of both files.
        let backup = folder.file("backup.sqlite")
        let made = try await Self.run(["db", "backup", backup, "--database", database])
        #expect(made.status == 0 && made.output.contains("integrity_check ok"), "\(made.output)")
        try await process.terminate()
        let checked = try await Self.run(["db", "check", "--database", backup])
        #expect(checked.status == 0 && checked.output == "\(backup): ok\n", "\(checked.output)")
        #expect(try await Self.run(["db", "backup", backup, "--database", database]).status != 0, "an existing file is not overwritten")
        // A file that is not a database: a clear error, not a crash.
        let garbage = folder.file("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let refused = try await Self.run(["db", "check", "--database", garbage])
        #expect(refused.status == 2 && refused.output.contains("is not an alertgate database"), "\(refused.output)")
        let serve = try await Self.run(["serve", "--port", "0", "--database", garbage, "--syslog-port", "off", "--gelf-port", "off", "--json-port", "off"])
        #expect(serve.status != 0 && serve.output.contains("is not an alertgate database"), "\(serve.output)")
    }
}
