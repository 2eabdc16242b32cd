import AlertgateCodecs
import AlertgateCore
import AlertgateCompression
import Foundation
import Testing

/// Telling GELF datagrams apart and turning complete ones into JSON, then graypy's real
/// datagrams from `fixtures/gelf-udp` (see scripts/capture-gelf-udp-fixtures) end to end.
@Suite struct GELFDatagramTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/gelf-udp")

    /// `{"version":"1.1","host":"web-1","short_message":"gzip works"}`, gzipped by Python.
    static let gzipped: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xAB, 0x56, 0x2A, 0x4B, 0x2D, 0x2A, 0xCE, 0xCC, 0xCF, 0x53,
        0xB2, 0x52, 0x32, 0xD4, 0x33, 0x54, 0xD2, 0x51, 0xCA, 0xC8, 0x2F, 0x2E, 0x01, 0x72, 0xCA, 0x53, 0x93, 0x74, 0x41, 0xDC,
        0xE2, 0x8C, 0xFC, 0xA2, 0x92, 0xF8, 0xDC, 0xD4, 0xE2, 0xE2, 0xC4, 0xF4, 0x54, 0xA0, 0x78, 0x7A, 0x55, 0x66, 0x81, 0x42,
        0x79, 0x7E, 0x51, 0x76, 0xB1, 0x52, 0x2D, 0x00, 0xCC, 0x39, 0x7C, 0x4C, 0x3D, 0x00, 0x00, 0x00,
    ]

    /// What the server passes: zlib's decompression with a limit on the output.
    static func inflate(limit: Int = 8 << 20) -> ([UInt8], Bool) throws -> [UInt8] {
        { bytes, gzip in try Zlib.decompress(bytes, format: gzip ? .gzip : .zlib, limit: limit) }
    }

    /// A recorded capture: its datagrams in arrival order and its meta file.
    struct Capture {
        var datagrams: [[UInt8]]
        var meta: [String: Any]
        var sent: [String: Any] { meta["sent"] as? [String: Any] ?? [:] }
    }

    static func capture(_ name: String) throws -> Capture {
        let metaData = try Data(contentsOf: folder.appendingPathComponent("\(name).meta.json"))
        let meta = try #require(try JSONSerialization.jsonObject(with: metaData) as? [String: Any])
        let count = try #require(meta["datagrams"] as? Int)
        let datagrams = try (0..<count).map { index in
            [UInt8](try Data(contentsOf: folder.appendingPathComponent("\(name)-\(index).bin")))
        }
        return Capture(datagrams: datagrams, meta: meta)
    }

    @Test func kindsFollowTheDetectionRules() {
        #expect(GELFDatagram.kind(of: [0x1E, 0x0F]) == .chunk)
        #expect(GELFDatagram.kind(of: [0x1E, 0x0F, 1, 2, 3]) == .chunk)
        #expect(GELFDatagram.kind(of: Self.gzipped) == .gzip)
        #expect(GELFDatagram.kind(of: Zlib.compress(Array("{}".utf8))) == .zlib)
        for header: [UInt8] in [[0x78, 0x9C], [0x78, 0x01], [0x78, 0xDA], [0x78, 0x5E], [0x08, 0x1D], [0x48, 0x0D]] {
            #expect(GELFDatagram.kind(of: header + [0]) == .zlib, "\(header)")
        }
        // Divisible by 31 but not deflate (low nibble 9), and deflate but not divisible.
        #expect(GELFDatagram.kind(of: [0x79, 0x18]) == .plain)
        #expect(GELFDatagram.kind(of: [0x78, 0x9D]) == .plain)
        #expect(GELFDatagram.kind(of: Array(#"{"short_message":"m"}"#.utf8)) == .plain)
        #expect(GELFDatagram.kind(of: []) == .plain)
        #expect(GELFDatagram.kind(of: [0x1E]) == .plain)
        #expect(GELFDatagram.kind(of: [0x1F, 0x8C]) == .plain)
    }

    @Test func messageBytesInflatesGzipAndZlibAndPassesPlainThrough() throws {
        let json = Array(#"{"version":"1.1","host":"web-1","short_message":"gzip works"}"#.utf8)
        #expect(try GELFDatagram.messageBytes(Self.gzipped, inflate: Self.inflate()) == json)
        #expect(try GELFDatagram.messageBytes(Zlib.compress(json), inflate: Self.inflate()) == json)
        #expect(try GELFDatagram.messageBytes(json, inflate: { _, _ in Issue.record("plain was inflated"); return [] }) == json)
        let signal = try GELFCodec().decode(try GELFDatagram.messageBytes(Self.gzipped, inflate: Self.inflate()))
        #expect(signal.title == "gzip works")
        #expect(signal.sender == "web-1")
    }

    @Test func messageBytesRefusesChunksAndPassesInflateErrorsOn() {
        #expect(throws: CodecError.gelfChunkNotReassembled) {
            try GELFDatagram.messageBytes([0x1E, 0x0F, 0, 0], inflate: Self.inflate())
        }
        let bomb = Zlib.compress([UInt8](repeating: 0, count: 1 << 20))
        #expect(throws: Zlib.Failure.outputLimitExceeded(limit: 64 * 1024)) {
            try GELFDatagram.messageBytes(bomb, inflate: Self.inflate(limit: 64 * 1024))
        }
        #expect(throws: Zlib.Failure.truncated) {
            try GELFDatagram.messageBytes(Array(Self.gzipped.prefix(30)), inflate: Self.inflate())
        }
        #expect(throws: Zlib.Failure.self) {
            try GELFDatagram.messageBytes([0x78, 0x9C, 0xFF, 0xFF, 0xFF], inflate: Self.inflate())
        }
    }

    @Test(arguments: ["small-zlib", "small-plain"])
    func graypyUnchunkedDatagramsDecode(_ name: String) throws {
        let capture = try Self.capture(name)
        #expect(capture.datagrams.count == 1)
        let datagram = capture.datagrams[0]
        #expect(GELFDatagram.kind(of: datagram) == (name.hasSuffix("zlib") ? .zlib : .plain))
        let signal = try GELFCodec().decode(try GELFDatagram.messageBytes(datagram, inflate: Self.inflate()))
        #expect(signal.title == capture.sent["short_message"] as? String)
        #expect(signal.description == nil)
        #expect(signal.service == "checkout")
        #expect(signal.severity == .error)
        #expect(signal.labels["order_id"] == "88121")
    }

    @Test(arguments: ["large-chunked-zlib", "large-chunked-plain"])
    func graypyChunkedDatagramsReassembleInAnyOrder(_ name: String) throws {
        let capture = try Self.capture(name)
        let datagrams = capture.datagrams
        #expect(datagrams.count > 1)
        #expect(datagrams.allSatisfy { GELFDatagram.kind(of: $0) == .chunk })
        #expect(datagrams.dropLast().allSatisfy { $0.count == 12 + 1420 }, "graypy chunks at 1420 bytes")
        let headers = try datagrams.map { try GELFChunkHeader.parse($0).get() }
        #expect(Set(headers.map(\.messageID)).count == 1)
        #expect(headers.map(\.sequenceNumber) == Array(0..<datagrams.count))
        #expect(headers.allSatisfy { $0.sequenceCount == datagrams.count })

        var generator = GELFChunkTestGenerator(seed: 0x6E1F)
        var orders = [datagrams]
        for _ in 0..<10 {
            var shuffled = datagrams.shuffled(using: &generator)
            shuffled.insert(datagrams.randomElement(using: &generator)!, at: Int.random(in: 0...shuffled.count, using: &generator))
            orders.append(shuffled)
        }
        for order in orders {
            var assembler = GELFChunkAssembler()
            var completed: [[UInt8]] = []
            var duplicates = 0
            for (offset, datagram) in order.enumerated() {
                switch assembler.add(datagram, at: GELFChunkAssemblerTests.t0 + .milliseconds(Int64(offset))) {
                case .complete(let payload): completed.append(payload)
                case .rejected(.duplicate): duplicates += 1
                case .pending: break
                case .rejected(let drop): Issue.record("unexpected drop \(drop)")
                }
            }
            #expect(completed.count == 1)
            #expect(duplicates == order.count - datagrams.count)
            #expect(assembler.pendingMessages == 0)
            let payload = try #require(completed.first)
            #expect(GELFDatagram.kind(of: payload) == (name.hasSuffix("zlib") ? .zlib : .plain))
            let signal = try GELFCodec().decode(try GELFDatagram.messageBytes(payload, inflate: Self.inflate()))
            #expect(signal.title == capture.sent["short_message"] as? String)
            #expect(signal.description == capture.sent["full_message"] as? String)
            #expect(signal.description?.utf8.count == 20_000)
            #expect(signal.service == "checkout")
            #expect(signal.labels["version"] == nil)
        }
    }

    @Test func graypyChunksWithOneMissingExpire() throws {
        let capture = try Self.capture("large-chunked-zlib")
        var assembler = GELFChunkAssembler()
        for datagram in capture.datagrams.dropLast() {
            #expect(assembler.add(datagram, at: GELFChunkAssemblerTests.t0) == .pending)
        }
        #expect(assembler.pendingBytes == 1420 * (capture.datagrams.count - 1))
        #expect(assembler.expire(now: GELFChunkAssemblerTests.t0 + .seconds(6)) == 1)
        #expect(assembler.pendingBytes == 0)
    }
}
