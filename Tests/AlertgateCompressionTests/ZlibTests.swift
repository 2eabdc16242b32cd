import Foundation
import AlertgateCompression
import AlertgateTesting
import Testing

@Suite("Zlib: compression with a hard output limit")
struct ZlibTests {
    static let inputs: [[UInt8]] = [
        [],
        Array("hello, hello, hello".utf8),
        pseudoRandomBytes(count: 200_000, seed: 11),
        [UInt8](repeating: 0x61, count: 300_000),
    ]

    @Test(arguments: inputs)
    func compressThenDecompressRoundTrips(input: [UInt8]) throws {
        let compressed = Zlib.compress(input)
        #expect(try Zlib.decompress(compressed, format: .zlib, limit: input.count) == input)
        #expect(try Zlib.decompress(compressed, format: .auto, limit: input.count + 1) == input)
    }

    @Test func rawDeflateDecodesTheStreamInsideTheZlibWrapper() throws {
        let input = pseudoRandomBytes(count: 10_000, seed: 5) + [UInt8](repeating: 7, count: 10_000)
        let compressed = Zlib.compress(input)
        let raw = Array(compressed[2..<(compressed.count - 4)])
        #expect(try Zlib.decompress(raw, format: .raw, limit: input.count) == input)
    }

    @Test func aLimitSmallerThanTheOutputThrows() {
        let input = [UInt8](repeating: 0x61, count: 100)
        #expect(throws: Zlib.Failure.outputLimitExceeded(limit: 99)) {
            try Zlib.decompress(Zlib.compress(input), format: .zlib, limit: 99)
        }
    }

    @Test func aBombStopsAtTheLimit() throws {
        let bomb = Zlib.compress([UInt8](repeating: 0, count: 10 * 1024 * 1024))
        #expect(bomb.count < 20_000)
        #expect(throws: Zlib.Failure.outputLimitExceeded(limit: 1 << 20)) {
            try Zlib.decompress(bomb, format: .auto, limit: 1 << 20)
        }
    }

    @Test(arguments: [1, 4, 100, 5000])
    func truncatedInputThrows(dropping: Int) {
        let compressed = Zlib.compress(pseudoRandomBytes(count: 20_000, seed: 9))
        let cut = Array(compressed.dropLast(dropping))
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(cut, format: .zlib, limit: 1 << 20) }
        do {
            _ = try Zlib.decompress(cut, format: .zlib, limit: 1 << 20)
        } catch {
            switch error {
            case .truncated, .corrupt: break
            case .outputLimitExceeded: Issue.record("a truncated stream is not a limit failure: \(error)")
            }
        }
    }

    @Test func emptyInputIsTruncated() {
        #expect(throws: Zlib.Failure.truncated) { try Zlib.decompress([], format: .zlib, limit: 100) }
    }

    @Test func theWrongContainerIsAnErrorNotACrash() {
        let input = Array(String(repeating: "alertgate payload ", count: 200).utf8)
        let zlib = Zlib.compress(input)
        let raw = Array(zlib[2..<(zlib.count - 4)])
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(raw, format: .zlib, limit: 1 << 20) }
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(raw, format: .auto, limit: 1 << 20) }
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(zlib, format: .gzip, limit: 1 << 20) }
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(zlib, format: .raw, limit: 1 << 20) }
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(pseudoRandomBytes(count: 512, seed: 1), format: .auto, limit: 1 << 20) }
    }

    /// The window a stream was made with is in the first byte of its zlib header (CINFO, RFC 1950
    /// 2.2: log2 of the window less 8).
    static func windowBits(of stream: [UInt8]) -> Int { Int(stream[0] >> 4) + 8 }

    @Test(arguments: [1, 400, Deflater.Shape.smallBytes, Deflater.Shape.smallBytes + 1, 40_000])
    func smallInputsTakeASmallWindowAndAllRoundTrip(count: Int) throws {
        let input = Array(String(repeating: "{\"alertname\":\"HighLatency\",\"pod\":\"pod-12\"}", count: count / 40 + 1).utf8.prefix(count))
        let compressed = Zlib.compress(input)
        #expect(Self.windowBits(of: compressed) == (count <= Deflater.Shape.smallBytes ? 12 : 15))
        #expect(compressed.count < input.count || count < 100)
        #expect(try Zlib.decompress(compressed, format: .auto, limit: count) == input)
    }

    /// A small stream's window reaches back over all of its preset dictionary: bytes that repeat
    /// the dictionary's first ones, 2,300 bytes back, compress to a few bytes.
    @Test func aSmallStreamReachesBackOverItsWholeDictionary() throws {
        let dictionary = pseudoRandomBytes(count: 2_000, seed: 21)
        let input = pseudoRandomBytes(count: 300, seed: 22) + dictionary.prefix(700)
        let shape = Deflater.Shape.fitting(dictionary.count + input.count, level: 6)
        #expect(shape.windowBits == 12)
        var compressed: [UInt8] = []
        Deflater.withPooled(shape) { $0.compress(input[...], dictionary: dictionary[...], appendingTo: &compressed) }
        // The 300 random bytes stay about 300; the 700 repeated ones take a match or a few.
        #expect(compressed.count < 360)
        #expect(try Zlib.decompress(compressed, format: .zlib, limit: input.count) { _ in dictionary[...] } == input)
    }
}

/// Streams that go on after their end: gzip members in a row, and trailing garbage.
@Suite struct ZlibStreamEndTests {
    func gzip(_ text: String) async throws -> [UInt8] {
        let folder = try TemporaryDirectory(prefix: "zlib")
        defer { folder.remove() }
        let file = folder.file("member")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        #expect(try await ChildProcess.run("/bin/gzip", [file]).status == 0)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: file + ".gz")))
    }

    @Test func gzipMembersInARowAreAllDecoded() async throws {
        let body = try await gzip("first half\n") + gzip("second half\n")
        let decoded = try Zlib.decompress(body, format: .gzip, limit: 1024)
        #expect(String(decoding: decoded, as: UTF8.self) == "first half\nsecond half\n")
    }

    @Test func trailingGarbageIsAnError() async throws {
        let zlib = Zlib.compress(Array("payload".utf8)) + [0x00, 0x01, 0x02]
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(zlib, format: .zlib, limit: 1024) }
        let gz = try await gzip("payload") + Array("junk".utf8)
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(gz, format: .gzip, limit: 1024) }
    }
}
