import AlertgateCodecs
import AlertgateCompression
import AlertgateCore
import Foundation
import Testing

/// The inputs of the fuzz targets kept in `fixtures/fuzz/`: the hand-made seeds in
/// `seeds/<target>/` and every input that once crashed a decoder, `crashes/<target>/` (written
/// there by `scripts/fuzz`). Each goes through its target's harness as the fuzzer runs it
/// (`Fuzz/Sources/alertgate-fuzz/FuzzTargets.swift`, kept in step with `Harness` below):
/// decoding errors are fine; a crash or a broken invariant fails.
@Suite struct FuzzFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/fuzz")

    /// Every target of the fuzzer, by the name of its folders.
    static let targets = [
        "events", "alertmanager-api", "alertmanager-webhook", "pagerduty", "otlp-protobuf", "otlp-json",
        "gelf", "gelf-chunks", "syslog", "inflate", "datagram-frames",
    ]

    /// `seeds/<target>/<name>` and `crashes/<target>/<name>`, sorted.
    static func inputs() -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for kind in ["seeds", "crashes"] {
            let folder = root.appendingPathComponent(kind)
            for target in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() where !target.hasPrefix(".") {
                let files = (try? manager.contentsOfDirectory(atPath: folder.appendingPathComponent(target).path)) ?? []
                for file in files.sorted() where !file.hasPrefix(".") {
                    found.append("\(kind)/\(target)/\(file)")
                }
            }
        }
        return found
    }

    @Test func everyTargetHasSeeds() {
        let seeded = Set(Self.inputs().filter { $0.hasPrefix("seeds/") }.map { String($0.split(separator: "/")[1]) })
        for target in Self.targets {
            #expect(seeded.contains(target), "fixtures/fuzz/seeds/\(target) holds no input")
        }
    }

    @Test(arguments: inputs())
    func replaysWithoutCrashing(_ input: String) throws {
        let target = String(input.split(separator: "/")[1])
        try #require(Self.targets.contains(target), "\(input) is in a folder named after no fuzz target")
        let bytes = [UInt8](try Data(contentsOf: Self.root.appendingPathComponent(input)))
        Harness.run(target, bytes)
    }

    /// The fuzzer's harnesses, with a failed expectation where the fuzzer traps.
    enum Harness {
        static let receivedAt = Timestamp(milliseconds: 1_795_000_000_000)
        static let maxBodyBytes = GatewayConfig.HTTP().maxBodyBytes
        static let pagerDutyIntegrations: [String: GatewayConfig.PagerDuty.Integration] = [
            "e93facc04764012d7bfb002500d5d1a6": .init(service: "payments"),
            "737ea619db564d41bd9824063e1f6b08": .init(),
        ]
        static let inflateDictionary = Array(String(repeating: #"{"labels":{"alertname":"HighLatency","severity":"critical"}},"#, count: 8).utf8)

        static func run(_ target: String, _ bytes: [UInt8]) {
            switch target {
            case "events": events(bytes)
            case "alertmanager-api": alertmanagerAPI(bytes)
            case "alertmanager-webhook": alertmanagerWebhook(bytes)
            case "pagerduty": pagerDuty(bytes)
            case "otlp-protobuf": otlp(bytes, contentType: "application/x-protobuf")
            case "otlp-json": otlp(bytes, contentType: "application/json")
            case "gelf": decodeGELFMessage(bytes)
            case "gelf-chunks": gelfChunks(bytes)
            case "syslog": syslog(bytes)
            case "inflate": inflate(bytes)
            case "datagram-frames": datagramFrames(bytes)
            default: Issue.record("no harness for the fuzz target \(target)")
            }
        }

        static func ingest(_ signal: Signal) {
            _ = Fingerprint.of(signal)
        }

        static func ingest(_ batch: DecodedBatch) {
            for (_, signal) in batch.signals { ingest(signal) }
            for error in batch.errors { _ = error.description }
        }

        static func events(_ body: [UInt8]) {
            let flavors: [GenericEventCodec.Flavor] = [.events, .reports, .changes]
            let codec = GenericEventCodec(flavors[body.count % flavors.count])
            if let batch = try? codec.decode(body, contentType: "application/json") { ingest(batch) }
            if let batch = try? codec.decode(body, contentType: "application/x-ndjson") { ingest(batch) }
        }

        static func alertmanagerAPI(_ body: [UInt8]) {
            if let batch = try? AlertmanagerAPICodec().decode(body, receivedAt: receivedAt) { ingest(batch) }
        }

        static func alertmanagerWebhook(_ body: [UInt8]) {
            for sender in [AlertmanagerWebhookCodec.Sender.alertmanager, .grafana] {
                if let batch = try? AlertmanagerWebhookCodec(sender).decode(body, receivedAt: receivedAt) { ingest(batch) }
            }
        }

        static func pagerDuty(_ body: [UInt8]) {
            if let event = try? PagerDutyEventCodec(integrations: pagerDutyIntegrations).decode(body, newKey: { "generated" }) {
                ingest(event.signal)
            }
            if let signal = try? PagerDutyChangeCodec(integrations: pagerDutyIntegrations).decode(body) { ingest(signal) }
        }

        static func otlp(_ body: [UInt8], contentType: String) {
            let codec = OTLPTraceCodec(slowSpanThresholds: ["checkout": .milliseconds(500)])
            let encoding = OTLPEncoding(contentType: contentType) ?? .json
            do throws(CodecError) {
                let batch = try codec.decode(body: body, contentType: contentType)
                ingest(batch.decodedBatch)
                _ = OTLPExportResponse.success(rejectedSpans: batch.rejectedSpans, errorMessage: batch.rejectionMessage, encoding: encoding)
            } catch {
                _ = OTLPExportResponse.rpcStatus(code: 3, message: error.message)
            }
        }

        static func decodeGELFMessage(_ payload: [UInt8]) {
            let limit = maxBodyBytes
            guard let json = try? GELFDatagram.messageBytes(payload, inflate: { bytes, gzip in
                try Zlib.decompress(bytes, format: gzip ? .gzip : .zlib, limit: limit)
            }) else { return }
            #expect(json.count <= limit, "a GELF message inflated to \(json.count) bytes, over the limit of \(limit)")
            if let signal = try? GELFCodec().decode(json) { ingest(signal) }
        }

        /// Records of `step: UInt8 | length: UInt16 big-endian | datagram`: the clock moves on by
        /// `(step & 0x7F) × 100 ms` first, and with the high bit set `expire(now:)` runs first.
        static func chunkSteps(_ input: [UInt8]) -> [(advance: Duration, expire: Bool, datagram: [UInt8])] {
            var steps: [(advance: Duration, expire: Bool, datagram: [UInt8])] = []
            var index = 0
            while index + 3 <= input.count {
                let step = input[index]
                let length = Int(input[index + 1]) << 8 | Int(input[index + 2])
                index += 3
                let end = min(input.count, index + length)
                steps.append((advance: .milliseconds(100 * Int(step & 0x7F)), expire: step & 0x80 != 0, datagram: Array(input[index..<end])))
                index = end
            }
            return steps
        }

        static func gelfChunks(_ input: [UInt8]) {
            let steps = chunkSteps(input)
            for var assembler in [
                GELFChunkAssembler(maxMessageBytes: maxBodyBytes),
                GELFChunkAssembler(timeout: .seconds(5), maxPendingMessages: 3, maxPendingBytes: 4096, maxMessageBytes: 2048),
            ] {
                var now = receivedAt
                for step in steps {
                    now = now + step.advance
                    if step.expire { _ = assembler.expire(now: now) }
                    switch assembler.add(step.datagram, at: now) {
                    case .complete(let joined):
                        #expect(joined.count <= assembler.maxMessageBytes, "a joined message of \(joined.count) bytes, over \(assembler.maxMessageBytes)")
                        decodeGELFMessage(joined)
                    case .pending, .rejected:
                        break
                    }
                    #expect(assembler.pendingMessages <= assembler.maxPendingMessages)
                    #expect((0...assembler.maxPendingBytes).contains(assembler.pendingBytes))
                    #expect(assembler.pendingMessages > 0 || assembler.pendingBytes == 0)
                }
                _ = assembler.expire(now: now + .seconds(60))
                #expect(assembler.pendingMessages == 0 && assembler.pendingBytes == 0, "partial messages outlived their timeout")
            }
        }

        static func syslog(_ datagram: [UInt8]) {
            _ = SyslogCodec.level(of: datagram)
            if let signal = try? SyslogCodec(services: ["sshd": "auth"]).decode(datagram, receivedAt: receivedAt) { ingest(signal) }
        }

        static func inflate(_ body: [UInt8]) {
            for format in [Zlib.Format.gzip, .zlib, .raw, .auto] {
                if let output = try? Zlib.decompress(body, format: format, limit: maxBodyBytes) {
                    #expect(output.count <= maxBodyBytes)
                }
            }
            let dictionary = inflateDictionary
            _ = try? Zlib.decompress(body, format: .zlib, limit: maxBodyBytes) { _ in dictionary[...] }
            let compressed = Zlib.compress(body)
            let restored = try? Zlib.decompress(compressed, format: .zlib, limit: body.count)
            #expect(restored == body, "\(body.count) bytes did not survive compress and decompress")
        }

        static func datagramFrames(_ bytes: [UInt8]) {
            guard let frames = DatagramFrames.decode(bytes) else {
                #expect(DatagramFrames.frame(0, of: bytes) == nil || !bytes.isEmpty)
                return
            }
            #expect(DatagramFrames.encode(frames) == bytes, "\(frames.count) frames do not encode back to the same bytes")
            for (item, frame) in frames.enumerated() {
                #expect(DatagramFrames.frame(item, of: bytes).map(Array.init) == frame, "frame \(item) found by hopping")
            }
            #expect(DatagramFrames.frame(frames.count, of: bytes) == nil)
            for source in [SignalSource.syslog, .gelf, .jsonDatagram] {
                let payload = RawPayload(id: 1, source: source, contentType: DatagramFrames.contentType, receivedAt: receivedAt, bytes: bytes)
                if let batch = try? PayloadDecoder.decode(payload) { ingest(batch) }
            }
        }
    }
}
