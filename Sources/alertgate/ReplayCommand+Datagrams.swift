import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ReplayCommand {
    /// Sends captured datagrams to a UDP listener: a file per datagram, or a line per datagram
    /// for text logs (`.log`, `.syslog`).
    func replayDatagrams(to address: String) throws {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else {
            throw ValidationError("--udp must be HOST:PORT, got \(address)")
        }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(port.bigEndian)
        guard inet_pton(AF_INET, String(parts[0] == "localhost" ? "127.0.0.1" : parts[0]), &target.sin_addr) == 1 else {
            throw ValidationError("--udp needs an IPv4 address, got \(parts[0])")
        }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("cannot open a UDP socket") }
        defer { close(fd) }

        var sent = 0
        var failed = 0
        var lastReport = Date()
        for (index, file) in files.enumerated() {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let datagrams: [[UInt8]] = file.hasSuffix(".log") || file.hasSuffix(".syslog")
                ? data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { [UInt8]($0) }
                : [[UInt8](data)]
            for datagram in datagrams {
                let result = datagram.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &target) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
                if result == datagram.count { sent += 1 } else { failed += 1 }
            }
            if Date().timeIntervalSince(lastReport) >= 1 {
                lastReport = Date()
                FileHandle.standardError.write(Data("replaying \(index + 1)/\(files.count) files: \(sent) datagrams sent\n".utf8))
            }
        }
        FileHandle.standardError.write(Data("replayed \(files.count)/\(files.count) files: \(sent) datagrams sent, \(failed) failed\n".utf8))
        if failed > 0 { throw ExitCode(1) }
    }
}
