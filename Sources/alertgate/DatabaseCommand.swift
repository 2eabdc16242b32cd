import AlertgateServer
import ArgumentParser
import Foundation

/// `alertgate db check` and `alertgate db backup PATH`: the database file, while alertgate runs or not.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "Check or back up the database.",
                                                    subcommands: [Check.self, Backup.self])

    struct Location: ParsableArguments {
        @Option(help: "A YAML config file, for its storage.path.")
        var config: String?

        @Option(help: "The SQLite database file (default: the config's storage.path, or ./alertgate-data/alertgate.sqlite).")
        var database: String?

        func path() throws -> String {
            if let database { return database }
            do {
                return try (config.map { try ConfigLoader.load(path: $0) } ?? ConfigLoader.defaults).storage.path
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read-only: is it an alertgate database this build opens, and does PRAGMA integrity_check say ok?")
        @OptionGroup var location: Location

        func run() throws {
            let path = try location.path()
            let answer: String
            do {
                answer = try Gateway.checkDatabase(path: path)
            } catch {
                FileHandle.standardError.write(Data("alertgate db check: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print("\(path): \(answer)")
            if answer != "ok" { throw ExitCode(1) }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An online copy to PATH (SQLite's backup API), checked after.")
        @Argument(help: "Where the copy goes; an existing file is refused.")
        var destination: String
        @OptionGroup var location: Location

        func run() throws {
            let path = try location.path()
            guard !FileManager.default.fileExists(atPath: destination) else { throw ValidationError("\(destination) exists: choose a new path") }
            do {
                guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): no such file") }
                try Gateway.backupDatabase(path: path, to: destination)
                let answer = try Gateway.checkDatabase(path: destination)
                print("\(destination): backup of \(path), integrity_check \(answer)")
                if answer != "ok" { throw ExitCode(1) }
            } catch let error as ExitCode {
                throw error
            } catch {
                FileHandle.standardError.write(Data("alertgate db backup: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
