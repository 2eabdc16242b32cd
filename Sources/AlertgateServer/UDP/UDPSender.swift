import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends datagrams from a plain UDP socket to an IPv4 address: `alertgate replay --udp` and
/// the live tests.
public struct UDPSender: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let host: String
    public let port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host == "localhost" ? "127.0.0.1" : host
        self.port = port
    }

    /// Sends every datagram; throws at the first one the socket does not take whole.
    public func send(_ datagrams: [[UInt8]]) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        guard (0...65535).contains(port), inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw Failure(description: "\(host):\(port) is not an IPv4 address and port")
        }
        for datagram in datagrams {
            let sent = datagram.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            guard sent == datagram.count else { throw Failure(description: "sendto() sent \(sent) of \(datagram.count) bytes: errno \(errno)") }
        }
    }
}
