import Glibc

/// `127.0.0.1:port` as the socket calls take it, for the raw-socket helpers.
func withLoopbackAddress<T>(port: Int, _ body: (UnsafeMutablePointer<sockaddr>, socklen_t) -> T) -> (T, port: Int) {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    let result = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return (result, Int(UInt16(bigEndian: address.sin_port)))
}
