import AlertgateTesting
import Foundation
import Synchronization
import Testing

/// How the tests' helpers start children (`ChildProcess`, `GatewayProcess`, `TemporaryPostgres`):
/// the child starts clean of what the test process holds, and its end is read right.
@Suite("SpawnedProcess: a child starts clean and its end is read right")
struct SpawnedProcessTests {
    @Test func theChildInheritsNoDescriptorBeyondTheStandardThree() throws {
        let folder = try TemporaryDirectory(prefix: "alertgate-spawn")
        defer { folder.remove() }
        // A pipe opened without close-on-exec: a child started by `exec` alone would keep it.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { for end in ends { close(end) } }
        let script = "for n in 0 1 2 \(ends[0]) \(ends[1]); do if [ -e /proc/$$/fd/$n ]; then echo \"$n open\"; else echo \"$n closed\"; fi; done"
        let child = try SpawnedProcess("/bin/sh", ["-c", script], outputPath: folder.file("out"))
        #expect(child.waitUntilExit() == .exited(status: 0))
        let lines = try String(contentsOfFile: folder.file("out"), encoding: .utf8).split(separator: "\n")
        #expect(lines == ["0 open", "1 open", "2 open", "\(ends[0]) closed", "\(ends[1]) closed"])
    }

    @Test func aSignalTheTestProcessIgnoresIsAtItsDefaultInTheChild() throws {
        let folder = try TemporaryDirectory(prefix: "alertgate-spawn")
        defer { folder.remove() }
        // Test processes ignore SIGPIPE (their servers write to sockets that close); made sure
        // here, and left so: restoring it could undo another test's setting made meanwhile.
        signal(SIGPIPE, SIG_IGN)
        // A shell cannot undo a signal ignored when it started: with SIGPIPE inherited as
        // ignored, it would go on and exit 0.
        let child = try SpawnedProcess("/bin/sh", ["-c", "kill -PIPE $$; exit 0"], outputPath: folder.file("out"))
        #expect(child.waitUntilExit() == .signalled(SIGPIPE))
    }

    @Test func aSignalBlockedInTheStartingThreadReachesTheChild() async throws {
        let folder = try TemporaryDirectory(prefix: "alertgate-spawn")
        defer { folder.remove() }
        let child = try Self.withSignalBlocked(SIGTERM) {
            try SpawnedProcess("/bin/sleep", ["30"], outputPath: folder.file("out"))
        }
        defer { child.send(SIGKILL) }
        #expect(child.isRunning)
        child.send(SIGTERM)
        #expect(try await eventually(timeout: .seconds(10)) { !child.isRunning })
        #expect(child.ended == .signalled(SIGTERM))
    }

    @Test func itsExitStatusIsReadAndKeptOnceReaped() async throws {
        let folder = try TemporaryDirectory(prefix: "alertgate-spawn")
        defer { folder.remove() }
        let child = try SpawnedProcess("/bin/sh", ["-c", "echo out; echo err >&2; exit 7"], outputPath: folder.file("out"),
                                       errorPath: folder.file("err"))
        #expect(try await eventually(timeout: .seconds(10)) { !child.isRunning })
        #expect(child.ended == .exited(status: 7))
        // Reaped already: asked again, it answers the same; a signal now goes nowhere.
        child.send(SIGKILL)
        #expect(child.waitUntilExit() == .exited(status: 7))
        #expect(try String(contentsOfFile: folder.file("out"), encoding: .utf8) == "out\n")
        #expect(try String(contentsOfFile: folder.file("err"), encoding: .utf8) == "err\n")
    }

    @Test func waitersOnSeveralThreadsAllReadTheOneEnd() throws {
        let folder = try TemporaryDirectory(prefix: "alertgate-spawn")
        defer { folder.remove() }
        let child = try SpawnedProcess("/bin/sh", ["-c", "sleep 0.3; exit 5"], outputPath: folder.file("out"))
        // Blocking waits, polls and signals at once: the child is reaped once, by whichever
        // comes first, and every caller reads the same end.
        let ends = Mutex<[SpawnedProcess.Termination?]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            let end: SpawnedProcess.Termination? = switch index % 3 {
            case 0: child.waitUntilExit()
            case 1: { while child.isRunning { usleep(1_000) }; return child.ended }()
            default: { child.send(0); return child.waitUntilExit() }()
            }
            ends.withLock { $0.append(end) }
        }
        #expect(ends.withLock { $0 } == Array(repeating: .exited(status: 5), count: 12))
    }

    @Test func aProgramThatCannotStartIsAnErrorThatNamesIt() throws {
        let folder = try TemporaryDirectory(prefix: "alertgate-spawn")
        defer { folder.remove() }
        let error = #expect(throws: SpawnedProcess.Failure.self) {
            try SpawnedProcess(folder.file("no-such-program"), [], outputPath: folder.file("out"))
        }
        #expect(error?.description.contains("no-such-program") == true)
    }

    private static func withSignalBlocked<T>(_ signal: Int32, _ body: () throws -> T) rethrows -> T {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, signal)
        var before = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &before)
        defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
        return try body()
    }
}
