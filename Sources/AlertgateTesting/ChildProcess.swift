import Foundation

/// Runs a program to its end without blocking a thread of the cooperative pool: tests run side
/// by side on as many of those threads as the machine has cores, and the in-process servers of
/// the live tests answer on them, so one test waiting in `waitUntilExit` holds up the others'
/// requests. Output goes to files (a pipe that fills would stall the child), and the exit is
/// polled with sleeps.
public enum ChildProcess {
    public struct Exit: Sendable {
        /// Its exit status (a child ended by a signal is `Failure.signalled` instead).
        public var status: Int32
        public var out: String
        public var err: String
    }

    public enum Failure: Error, CustomStringConvertible {
        /// `state` is what the kernel said of the child just before it was killed (its line of
        /// `/proc/PID/stat` from the state on): `Z` means it had exited and its end was missed;
        /// `S`, `R` or `D` mean the child itself had not ended.
        case didNotExit(command: [String], after: Duration, state: String)
        /// The child was ended by `signal` (a crash, as a rule): never a status a test expects,
        /// and one that an expected refusal (`status != 0`) must not pass for.
        case signalled(command: [String], signal: Int32, err: String)

        public var description: String {
            switch self {
            case .didNotExit(let command, let after, let state):
                "\(command.joined(separator: " ")) did not exit within \(after) (kernel state: \(state))"
            case .signalled(let command, let signal, let err):
                "\(command.joined(separator: " ")) was ended by signal \(signal); it wrote to stderr: \(err)"
            }
        }
    }

    /// Runs `executable` with `arguments`; returns its status and what it wrote. A program still
    /// running after `timeout` is killed and reported as `Failure.didNotExit`; one ended by a
    /// signal is `Failure.signalled`.
    public static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Exit {
        let folder = try TemporaryDirectory(prefix: "alertgate-child")
        defer { folder.remove() }
        let outPath = folder.file("out")
        let errPath = folder.file("err")
        let child = try SpawnedProcess(executable, arguments, outputPath: outPath, errorPath: errPath)
        guard try await eventually(timeout: timeout, { !child.isRunning }) else {
            let state = Self.kernelState(of: child.pid)
            child.send(SIGKILL)
            child.waitUntilExit()
            throw Failure.didNotExit(command: child.command, after: timeout, state: state)
        }
        let ending = child.waitUntilExit()
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        switch ending {
        case .exited(let status):
            return Exit(status: status, out: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "", err: err)
        case .signalled(let signal):
            throw Failure.signalled(command: child.command, signal: signal, err: err)
        }
    }

    /// Process `pid`'s state and the fields after it in `/proc/PID/stat` (after the name, which
    /// may hold spaces), or why they could not be read.
    static func kernelState(of pid: Int32) -> String {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return "no /proc/\(pid)/stat" }
        guard let end = stat.lastIndex(of: ")") else { return stat }
        return String(stat[stat.index(after: end)...].prefix(60)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the `alertgate` binary built beside the tests.
    public static func alertgate(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Exit {
        try await run(GatewayProcess.binaryPath(), arguments, timeout: timeout)
    }
}
