import AlertgateCodecs
import AlertgateCore
import AlertgateCompression

/// One harness per decoder, by the name `scripts/fuzz` and `ALERTGATE_FUZZ_TARGET` use. Each
/// takes the bytes as the server would receive them and goes the server's way: decode with the
/// configured limits, then what the ingest path does with the result (fingerprints, answers).
/// Tests/AlertgateCodecsTests/FuzzFixtureTests.swift replays fixtures/fuzz/ the same way.
enum FuzzTargets {
    static let harnesses: [String: @Sendable ([UInt8]) -> Void] = [
        "events": events,
        "alertmanager-api": alertmanagerAPI,
        "alertmanager-webhook": alertmanagerWebhook,
        "pagerduty": pagerDuty,
        "otlp-protobuf": { otlp($0, contentType: "application/x-protobuf") },
        "otlp-json": { otlp($0, contentType: "application/json") },
        "gelf": gelf,
        "gelf-chunks": gelfChunks,
        "syslog": syslog,
        "inflate": inflate,
        "datagram-frames": datagramFrames,
    ]

    static let receivedAt = Timestamp(milliseconds: 1_795_000_000_000)
    /// `http.max_body_bytes` by default: the limit of every HTTP body, decompressed too, and
    /// of a reassembled GELF UDP message.
    static let maxBodyBytes = GatewayConfig.HTTP().maxBodyBytes

    /// Traps with `message` when an invariant of the code under test does not hold.
    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("invariant broken: \(message())") }
    }

    /// What the ingest path does with every decoded signal.
    static func ingest(_ signal: Signal) {
        _ = Fingerprint.of(signal)
    }

    static func ingest(_ batch: DecodedBatch) {
        for (_, signal) in batch.signals { ingest(signal) }
        for error in batch.errors { _ = error.description }
    }

    /// `POST /api/v1/events`, `/reports`, `/changes` (JSON and NDJSON) and JSON datagrams.
    static func events(_ body: [UInt8]) {
        let flavors: [GenericEventCodec.Flavor] = [.events, .reports, .changes]
        let codec = GenericEventCodec(flavors[body.count % flavors.count])
        if let batch = try? codec.decode(body, contentType: "application/json") { ingest(batch) }
        if let batch = try? codec.decode(body, contentType: "application/x-ndjson") { ingest(batch) }
    }

    /// `POST /api/v2/alerts`, as Prometheus sends it.
    static func alertmanagerAPI(_ body: [UInt8]) {
        if let batch = try? AlertmanagerAPICodec().decode(body, receivedAt: receivedAt) { ingest(batch) }
    }

    /// Alertmanager's and Grafana's webhook notifications.
    static func alertmanagerWebhook(_ body: [UInt8]) {
        for sender in [AlertmanagerWebhookCodec.Sender.alertmanager, .grafana] {
            if let batch = try? AlertmanagerWebhookCodec(sender).decode(body, receivedAt: receivedAt) { ingest(batch) }
        }
    }

    /// PagerDuty Events API v2 (`/v2/enqueue`) and change events (`/v2/change/enqueue`), with
    /// the routing keys of the captured fixtures configured.
    static let pagerDutyIntegrations: [String: GatewayConfig.PagerDuty.Integration] = [
        "e93facc04764012d7bfb002500d5d1a6": .init(service: "payments"),
        "737ea619db564d41bd9824063e1f6b08": .init(),
    ]

    static func pagerDuty(_ body: [UInt8]) {
        if let event = try? PagerDutyEventCodec(integrations: pagerDutyIntegrations).decode(body, newKey: { "generated" }) {
            ingest(event.signal)
        }
        if let signal = try? PagerDutyChangeCodec(integrations: pagerDutyIntegrations).decode(body) { ingest(signal) }
    }

    /// OTLP/HTTP traces (`POST /v1/traces`), with a slow-span threshold for a service of the
    /// captured fixtures, and the answer the server sends back.
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

    /// One GELF message: an HTTP body or an unchunked UDP datagram, plain, zlib or gzip.
    static func gelf(_ body: [UInt8]) {
        decodeGELFMessage(body)
    }

    static func decodeGELFMessage(_ payload: [UInt8]) {
        let limit = maxBodyBytes
        guard let json = try? GELFDatagram.messageBytes(payload, inflate: { bytes, gzip in
            try Zlib.decompress(bytes, format: gzip ? .gzip : .zlib, limit: limit)
        }) else { return }
        check(json.count <= limit, "a GELF message inflated to \(json.count) bytes, over the limit of \(limit)")
        if let signal = try? GELFCodec().decode(json) { ingest(signal) }
    }

    /// GELF UDP datagrams through the chunk assembler, on a fake clock (see `ChunkScript`):
    /// once with the server's bounds and once with tiny ones, so that eviction happens too.
    /// Every complete message is decoded as the UDP listener does.
    static func gelfChunks(_ input: [UInt8]) {
        let steps = ChunkScript.steps(of: input)
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
                    check(joined.count <= assembler.maxMessageBytes, "a joined message of \(joined.count) bytes, over \(assembler.maxMessageBytes)")
                    decodeGELFMessage(joined)
                case .pending, .rejected:
                    break
                }
                check(assembler.pendingMessages <= assembler.maxPendingMessages,
                      "\(assembler.pendingMessages) partial messages held, over \(assembler.maxPendingMessages)")
                check((0...assembler.maxPendingBytes).contains(assembler.pendingBytes),
                      "\(assembler.pendingBytes) pending bytes, outside 0...\(assembler.maxPendingBytes)")
                check(assembler.pendingMessages > 0 || assembler.pendingBytes == 0,
                      "\(assembler.pendingBytes) pending bytes with no partial message")
            }
            _ = assembler.expire(now: now + .seconds(60))
            check(assembler.pendingMessages == 0 && assembler.pendingBytes == 0, "partial messages outlived their timeout")
        }
    }

    /// One syslog datagram (RFC 5424 or RFC 3164), as the UDP listener reads it.
    static func syslog(_ datagram: [UInt8]) {
        _ = SyslogCodec.level(of: datagram)
        if let signal = try? SyslogCodec(services: ["sshd": "auth"]).decode(datagram, receivedAt: receivedAt) { ingest(signal) }
    }

    /// The preset dictionary of the `inflate` target; `scripts/fuzz-seeds` writes streams
    /// compressed against the same bytes.
    static let inflateDictionary = Array(String(repeating: #"{"labels":{"alertname":"HighLatency","severity":"critical"}},"#, count: 8).utf8)

    /// Request bodies with a `Content-Encoding`, GELF payloads and stored payloads: zlib's
    /// inflate in every format, within the body limit; then a round trip through deflate.
    static func inflate(_ body: [UInt8]) {
        for format in [Zlib.Format.gzip, .zlib, .raw, .auto] {
            if let output = try? Zlib.decompress(body, format: format, limit: maxBodyBytes) {
                check(output.count <= maxBodyBytes, "inflated to \(output.count) bytes, over the limit of \(maxBodyBytes)")
            }
        }
        let dictionary = inflateDictionary
        _ = try? Zlib.decompress(body, format: .zlib, limit: maxBodyBytes) { _ in dictionary[...] }
        let compressed = Zlib.compress(body)
        let restored = try? Zlib.decompress(compressed, format: .zlib, limit: body.count)
        check(restored == body, "\(body.count) bytes did not survive compress and decompress")
    }

    /// Stored batches of datagrams (`application/x-alertgate-datagrams`), decoded again as the
    /// payload view does, for each source that stores them.
    static func datagramFrames(_ bytes: [UInt8]) {
        guard let frames = DatagramFrames.decode(bytes) else { return }
        check(DatagramFrames.encode(frames) == bytes, "\(frames.count) frames do not encode back to the same bytes")
        for source in [SignalSource.syslog, .gelf, .jsonDatagram] {
            let payload = RawPayload(id: 1, source: source, contentType: DatagramFrames.contentType, receivedAt: receivedAt, bytes: bytes)
            if let batch = try? PayloadDecoder.decode(payload) { ingest(batch) }
        }
    }
}
