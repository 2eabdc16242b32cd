import Synchronization

/// The ports the UDP listeners are bound to (they differ from the config's when it says 0).
public final class UDPPorts: Sendable {
    private let ports = Mutex([String: Int]())

    public init() {}

    func set(_ listener: String, _ port: Int) {
        ports.withLock { $0[listener] = port }
    }

    /// The bound port of `listener` (`syslog`, `gelf`, `json`), once it listens.
    public func port(_ listener: String) -> Int? {
        ports.withLock { $0[listener] }
    }
}
