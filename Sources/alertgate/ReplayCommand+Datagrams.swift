import AlertgateServer
import ArgumentParser
import Foundation

extension ReplayCommand {
    /// Sends captured datagrams to a UDP listener: a file per datagram, or a line per datagram
    /// for text logs (`.log`, `.syslog`).
    func replayDatagrams(to address: String) throws {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else {
            throw ValidationError("--udp must be HOST:PORT, got \(address)")
        }
        let sender = UDPSender(host: String(parts[0]), port: port)
        var sent = 0
        var lastReport = Date()
        for (index, file) in files.enumerated() {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let datagrams: [[UInt8]] = file.hasSuffix(".log") || file.hasSuffix(".syslog")
                ? data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { [UInt8]($0) }
                : [[UInt8](data)]
            do {
                try sender.send(datagrams)
            } catch {
                FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                throw ExitCode(1)
            }
            sent += datagrams.count
            if Date().timeIntervalSince(lastReport) >= 1 {
                lastReport = Date()
                FileHandle.standardError.write(Data("replaying \(index + 1)/\(files.count) files: \(sent) datagrams sent\n".utf8))
            }
        }
        FileHandle.standardError.write(Data("replayed \(files.count)/\(files.count) files: \(sent) datagrams sent, 0 failed\n".utf8))
    }
}
