import AlertgateCore
import AlertgateServer
import ArgumentParser

/// `alertgate token create NAME --scopes ingest,read`: a new random token, printed once, and
/// the line to paste under `auth.tokens` (which keeps only its SHA-256).
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Make API tokens.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new token once, and the config line that holds its hash.")

        @Argument(help: "The token's name: who its actions are by.")
        var name: String

        @Option(help: "Comma-separated scopes: ingest, read, write, admin.")
        var scopes: String

        func run() throws {
            var parsed: [AuthScope] = []
            for text in scopes.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
                guard let scope = AuthScope(rawValue: text) else {
                    throw ValidationError("--scopes: `\(text)` is not one of \(AuthScope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !parsed.contains(scope) { parsed.append(scope) }
            }
            guard !parsed.isEmpty else { throw ValidationError("--scopes needs at least one of ingest, read, write, admin") }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw ValidationError("the name may hold letters, digits, - _ and . only")
            }
            let made = TokenCheck.make(name: name, scopes: parsed)
            print("token (shown once; keep it secret): \(made.token)")
            print("paste under auth.tokens in the config, then reload:")
            print("  \(made.configLine)")
        }
    }
}
