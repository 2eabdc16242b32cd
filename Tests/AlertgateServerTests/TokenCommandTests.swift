@testable import AlertgateServer
import AlertgateTesting
import Foundation
import Testing

/// `alertgate token create`, run as a user would: the token once, and a config line whose hash is the token's.
@Suite struct TokenCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatewayProcess.binaryPath())
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aNewTokenAndTheLineThatHoldsItsHash() throws {
        let made = try Self.run(["token", "create", "prometheus", "--scopes", "ingest,read"])
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
        #expect(try Self.run(["token", "create", "prometheus", "--scopes", "ingest"]).output.split(separator: "\n").first != lines.first.map { Substring($0) })
    }

    @Test func badScopesAndNamesAreRefused() throws {
        let scope = try Self.run(["token", "create", "x", "--scopes", "ingest,god"])
        #expect(scope.status != 0 && scope.output.contains("`god` is not one of ingest, read, write, admin"))
        #expect(try Self.run(["token", "create", "a b", "--scopes", "read"]).status != 0)
    }
}
