import Glibc

/// A TCP port on 127.0.0.1 that is bound but not listening: connecting to it is refused (a
/// receiver that is down), and no other test can take it until `release()`, just before a
/// server starts on it.
public final class ReservedPort: @unchecked Sendable {
    public let port: Int
    private var descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw GatewayProcessError(message: "socket() failed: errno \(errno)") }
        // Port 0: the kernel picks one; getsockname tells which.
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

    /// Frees the port for the server about to start on it.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
