import AlertgateCore
import AlertgateServer
import ArgumentParser
import Foundation
import Synchronization

/// `alertgate db check`, `alertgate db backup PATH` and `alertgate db copy --to URL`: the
/// database file, while alertgate runs or not.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "db", abstract: "Check, back up or move the database.",
                                                    subcommands: [Check.self, Backup.self, Copy.self])

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

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the SQLite database, raw payloads included, into an empty PostgreSQL database, then count both.",
            discussion: """
                The SQLite file is read at one moment, so alertgate may keep running; what it stores after that moment is \
                not copied, so stop it first when moving an install. The copy is one transaction: one that fails leaves \
                the PostgreSQL database as it was. Then start alertgate with storage.url set to the same URL.
                """)
        @Option(help: "The PostgreSQL database to copy into: postgres://user[:password]@host[:port]/database.")
        var to: String
        @OptionGroup var location: Location

        func run() async throws {
            let path = try location.path()
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): no such file") }
            let bar = ProgressBar(interactive: isatty(STDERR_FILENO) == 1)
            let checks: [DatabaseCopyCheck]
            do {
                checks = try await Gateway.copyDatabase(path: path, to: to) { bar.show($0) }
            } catch {
                bar.end()
                FileHandle.standardError.write(Data("alertgate db copy: \(error)\n".utf8))
                throw ExitCode(2)
            }
            bar.end()
            let width = checks.map(\.what.count).max() ?? 0
            print("\("".padding(toLength: width, withPad: " ", startingAt: 0))  \("SQLite".leftPadded(14))  \("PostgreSQL".leftPadded(14))")
            for check in checks {
                print("\(check.what.padding(toLength: width, withPad: " ", startingAt: 0))  \(String(check.source).leftPadded(14))  "
                      + "\(String(check.copied).leftPadded(14))\(check.matches ? "" : "  differs")")
            }
            let differing = checks.filter { !$0.matches }
            guard differing.isEmpty else {
                FileHandle.standardError.write(Data("alertgate db copy: \(differing.count) counts differ; do not switch to the copy\n".utf8))
                throw ExitCode(1)
            }
            print("copied \(path) into the PostgreSQL database: every count matches")
        }
    }
}

/// A copy's progress on standard error: one bar redrawn in place on a terminal, a line per
/// table otherwise (a log keeps what each table came to).
private final class ProgressBar: Sendable {
    let interactive: Bool
    private let last = Mutex<(table: String, drawn: ContinuousClock.Instant?)>(("", nil))

    init(interactive: Bool) {
        self.interactive = interactive
    }

    func show(_ progress: DatabaseCopyProgress) {
        let now = ContinuousClock.now
        let line: String? = last.withLock { last in
            let newTable = progress.table != last.table
            let finished = progress.copied == progress.total
            if interactive {
                if !newTable, !finished, let drawn = last.drawn, now - drawn < .milliseconds(100) { return nil }
                last = (progress.table, now)
                let share = progress.totalInAll == 0 ? 1 : Double(progress.copiedInAll) / Double(progress.totalInAll)
                let filled = Int(share * 30)
                return "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] "
                    + "\(Int(share * 100))%  \(progress.table) \(progress.copied)/\(progress.total)\u{1B}[K"
            }
            guard finished, last.table != progress.table else { return nil }
            last = (progress.table, now)
            return "\(progress.table): \(progress.copied) rows (\(progress.copiedInAll)/\(progress.totalInAll) in all)\n"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    func end() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
