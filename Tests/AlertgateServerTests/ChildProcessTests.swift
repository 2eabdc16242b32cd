import AlertgateTesting
import Foundation
import Testing

/// The helper the command-line tests run `alertgate` with: a child that does not end in time is
/// killed, and the failure says what the kernel saw of it, so a hang of the child and an exit
/// the parent missed can be told apart.
@Suite("ChildProcess: a child past its time is killed and its state reported")
struct ChildProcessTests {
    @Test func aChildThatDoesNotEndIsKilledAndItsStateReported() async throws {
        let error = await #expect(throws: ChildProcess.Failure.self) {
            try await ChildProcess.run("/bin/sleep", ["30"], timeout: .milliseconds(500))
        }
        guard case .didNotExit(let command, _, let state)? = error else { return }
        #expect(command == ["/bin/sleep", "30"])
        // Asleep in the kernel, not a zombie.
        #expect(state.hasPrefix("S "), "\(state)")
    }

    /// A crash is not an exit: a test that expects a refusal (`status != 0`) must not pass
    /// when the child dies of a signal.
    @Test func aChildEndedByASignalIsAFailure() async throws {
        let error = await #expect(throws: ChildProcess.Failure.self) {
            try await ChildProcess.run("/bin/sh", ["-c", "echo dying >&2; kill -TERM $$"])
        }
        guard case .signalled(let command, let signal, let err)? = error else {
            Issue.record("expected .signalled, got \(String(describing: error))")
            return
        }
        #expect(command.first == "/bin/sh" && signal == SIGTERM && err == "dying\n")
    }

    @Test func aChildThatEndsGivesItsStatusAndOutput() async throws {
        let exit = try await ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(exit.status == 3 && exit.out == "out\n" && exit.err == "err\n")
    }
}
