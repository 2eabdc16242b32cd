import Foundation
import Synchronization

/// A child process started with `posix_spawn` and reaped with `waitpid`, for the tests' helpers.
///
/// Not Foundation's `Process`: on Linux its `run()` crashed the test process now and then. The
/// known cause is Foundation's own: it copies a whole 256-byte `d_name` while it lists
/// `/proc/self/fd` to close the child's descriptors, which reads past glibc's buffer when a short
/// entry ends it at the end of a page (swift-corelibs-foundation pull request 5472, reproduced
/// there on Swift 6.3.1, this machine's toolchain, and merged after it). `posix_spawn` closes
/// them in the C library instead. Nor does the exit come through a Dispatch queue, which the
/// tests' own threads may be holding up: whoever asks reaps it.
///
/// The child starts as Foundation's did: standard input from `/dev/null`, every other inherited
/// descriptor closed, no signal blocked and every signal's handling at its default (a test
/// process ignores `SIGPIPE`; its children must not).
public final class SpawnedProcess: Sendable {
    /// How the child ended.
    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(status: Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    public let command: [String]
    private let termination = Mutex<Termination?>(nil)

    /// Starts `executable` with `arguments`, its standard output written to the file at
    /// `outputPath` and its standard error to `errorPath` (the same file when nil); both files
    /// are created or emptied.
    public init(_ executable: String, _ arguments: [String], outputPath: String, errorPath: String? = nil) throws {
        command = [executable] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errorPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        guard Self.closeFrom(&actions, 3) == 0 else {
            throw Failure(description: "cannot start \(executable): no way to close the descriptors it would inherit")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
    }

    /// Whether the child is still running; reaps it when it has ended.
    public var isRunning: Bool { reap(waiting: false) == nil }

    /// How the child ended, or nil while it runs.
    public var ended: Termination? { reap(waiting: false) }

    /// Blocks this thread until the child ends. Only for helpers that must not return before
    /// their child has; others poll `isRunning` with sleeps.
    @discardableResult
    public func waitUntilExit() -> Termination {
        guard let ended = reap(waiting: true) else { preconditionFailure("\(command[0]) (pid \(pid)) was reaped outside SpawnedProcess") }
        return ended
    }

    /// Sends `signal` to the child, unless it has already been reaped (its pid may be another
    /// process's by then). A child that has ended but is not yet reaped keeps its pid: the
    /// signal goes nowhere.
    public func send(_ signal: Int32) {
        termination.withLock { ended in
            if ended == nil { _ = kill(pid, signal) }
        }
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            waitUntilExit()
        }
    }

    /// Its termination once it has ended, reaping it the first time. Reaping happens only under
    /// the lock, so a pid is never reaped twice nor signalled after it was reaped (the kernel may
    /// give it to another process then). With `waiting`, it first waits for the end without
    /// reaping (`waitid` with `WNOWAIT`), outside the lock: the child may take long to end, and
    /// `send` and other waiters must go on working meanwhile.
    private func reap(waiting: Bool) -> Termination? {
        if waiting, termination.withLock({ $0 }) == nil {
            var info = siginfo_t()
            // Fails with ECHILD once another caller has reaped it, which recorded its end.
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        }
        return termination.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            ended = Self.termination(of: status)
            return ended
        }
    }

    /// A wait status decoded as `<sys/wait.h>`'s macros do (Swift cannot call them).
    private static func termination(of status: Int32) -> Termination {
        let signal = status & 0x7F
        return signal == 0 ? .exited(status: (status >> 8) & 0xFF) : .signalled(signal)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which its headers
    /// declare only for `_GNU_SOURCE`, so Swift's Glibc module does not show it: looked up by name.
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) -> Int32 {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return -1 }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, lowest)
    }
}
