import Foundation
import Glibc

/// A plain TCP connection to 127.0.0.1, for tests of what a well-behaved HTTP client never
/// does: send half a request and wait.
public final class RawConnection: @unchecked Sendable {
    private var descriptor: Int32

    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let descriptor = descriptor
        let (connected, _) = withLoopbackAddress(port: port) { address, length in connect(descriptor, address, length) == 0 }
        guard descriptor >= 0, connected else { throw GatewayProcessError(message: "connect to 127.0.0.1:\(port) failed: errno \(errno)") }
    }

    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes or `timeout` passes; true when it closed. What it read is kept
    /// in `received`. It polls without blocking and sleeps between polls, so a server in the
    /// same process keeps its threads.
    public func closedByPeer(within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 0) > 0 {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return true }
                received += String(decoding: buffer[..<count], as: UTF8.self)
                continue
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    public private(set) var received = ""

    deinit { close(descriptor) }
}
