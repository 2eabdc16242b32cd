import AlertgateCore
import Foundation
import Testing

/// The datagrams `scripts/capture-syslog-fixtures` captured from util-linux `logger`, in
/// fixtures/syslog/, with the metadata written next to each.
enum SyslogFixtures {
    struct Capture: Sendable, CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var command: [String]
        var receivedAt: Timestamp
        var description: String { name }
    }

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/syslog")

    static func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func load(_ name: String) throws -> Capture {
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name + ".txt")))
        let metaData = try Data(contentsOf: folder.appendingPathComponent(name + ".meta.json"))
        let meta = try JSONSerialization.jsonObject(with: metaData) as? [String: Any] ?? [:]
        let receivedAt = try #require((meta["received_at"] as? String).flatMap(RFC3339.parse))
        return Capture(name: name, bytes: bytes, command: meta["command"] as? [String] ?? [], receivedAt: receivedAt)
    }

    static func all() throws -> [Capture] {
        try names().map(load)
    }
}
