import Glibc

/// A TCP port on 127.0.0.1 that is bound but not listening: connecting to it is refused (a
/// receiver that is down), and no other test can take it. It is bound with SO_REUSEADDR, so a
/// server (which binds with it too, as Hummingbird's do) can bind and listen on it while it is
/// still held; `release()` comes after. Releasing first left a window in which an outgoing
/// connection of the process could be given the port as its own, and the server's bind failed
/// with EADDRINUSE for good.
public final class ReservedPort: @unchecked Sendable {
    public let port: Int
    private var descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw GatewayProcessError(message: "socket() failed: errno \(errno)") }
        var on: Int32 = 1
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            close(descriptor)
            throw GatewayProcessError(message: "setsockopt(SO_REUSEADDR) failed: errno \(errno)")
        }
        // Port 0: the kernel picks one (never a port another socket is bound to); getsockname tells which.
        let (bound, port) = withLoopbackAddress(port: 0) { address, length in
            var length = length
            return bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
        }
        guard bound else {
            close(descriptor)
            throw GatewayProcessError(message: "bind() failed: errno \(errno)")
        }
        self.port = port
        self.descriptor = descriptor
    }

    /// Lets go of the port, once the server that takes it over listens.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
