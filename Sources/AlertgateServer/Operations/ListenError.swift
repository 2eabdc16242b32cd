import Glibc
import NIOCore

/// A socket alertgate could not bind, named with its listener and address: what a user sees
/// when another program holds the port, instead of the bare system call's error.
public struct ListenError: Error, CustomStringConvertible, Sendable {
    /// "HTTP", or the UDP listener's name ("UDP syslog").
    public var listener: String
    public var address: String
    public var reason: String

    public var description: String { "cannot listen for \(listener) on \(address): \(reason)" }

    /// `error` as a `ListenError` when it is a binding failure (the address in use, not on this
    /// host, or not allowed); nil for any other error.
    init?(listener: String, host: String, port: Int, error: any Error) {
        guard let error = error as? IOError, [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) else { return nil }
        self.listener = listener
        address = "\(host):\(port)"
        let text = String(cString: strerror(error.errnoCode)).lowercased()
        reason = error.errnoCode == EADDRINUSE ? "\(text) (another process holds the port)" : text
    }
}
