import Foundation

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux crashed the test
/// process once while three gateways started together (a bad pointer in `memmove` while
/// spawning), hence the lock. A later crash of the same kind came with one launch alone
/// (2026-12-05, `AdminCommandTests`): the known cause is Foundation's own, a copy of a whole
/// 256-byte `d_name` while it lists `/proc/self/fd`, which reads past glibc's buffer when a short
/// entry ends it at the end of a page (swift-corelibs-foundation pull request 5472, reproduced
/// there on Swift 6.3.1, this machine's toolchain, and merged since). The lock cannot prevent
/// that one.
enum ProcessLaunch {
    private static let lock = NSLock()

    static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
