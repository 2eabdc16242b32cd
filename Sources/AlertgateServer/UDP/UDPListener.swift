import AlertgateCodecs
import AlertgateCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// One UDP port: a NIO datagram channel with vector reads and a large receive buffer feeding
/// a bounded queue, and a consumer that decodes batches of datagrams and stores them through
/// the pipeline. Runs as a Service; on shutdown it stops reading and drains its queue.
final class UDPListener<Decoder: DatagramDecoder>: Service {
    let host: String
    let port: Int
    let settings: GatewayConfig.UDP
    let pipeline: IngestPipeline
    let stats: UDPStats
    let clock: any WallClock
    let logger: Logger
    let ports: UDPPorts
    private let decoder: Decoder
    /// Most datagrams decoded and stored together.
    static var batchLimit: Int { 4096 }
    /// Most bytes kept for one stored batch: a batch is submitted early when it would pass it
    /// (reassembled GELF messages can be much larger than their datagrams).
    static var batchBytes: Int { 16 << 20 }
    /// Most datagrams in one stored payload. A payload's first line of each message goes
    /// through the correlator and its others are counted on receipt (`ReceiptFolding`), so
    /// larger batches cost less per datagram: at 100k datagrams/s of about 100 distinct lines,
    /// 1024 a batch kept the pipeline the drop point, 4096 did not.
    static var datagramsPerPayload: Int { 4096 }
    /// Batches of this listener queued in the pipeline and not yet committed, and the bytes
    /// they may hold together (at least one batch goes, however large). Enough to ride out a
    /// slow commit (an fsync on a busy disk) without the socket's queue filling meanwhile:
    /// with 3 batches in flight, one run in two lost a tenth of 100k datagrams/s.
    static var batchesInFlight: Int { 8 }
    static var bytesInFlight: Int { 16 << 20 }

    init(decoder: Decoder, host: String, port: Int, settings: GatewayConfig.UDP, pipeline: IngestPipeline,
         stats: UDPStats, ports: UDPPorts, clock: any WallClock, logger: Logger) {
        self.decoder = decoder
        self.host = host
        self.port = port
        self.settings = settings
        self.pipeline = pipeline
        self.stats = stats
        self.ports = ports
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        let name = decoder.name
        let queue = DatagramQueue(capacity: settings.queueCapacity, byteCapacity: settings.queueBytes)
        let stats = self.stats
        let perRead = max(1, settings.messagesPerRead)
        let bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: SocketOptionValue(settings.receiveBufferBytes))
            .channelOption(ChannelOptions.datagramVectorReadMessageCount, value: perRead)
            .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: perRead * settings.maxDatagramBytes))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramQueueHandler(name: name, queue: queue, stats: stats))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw ListenError(listener: "UDP \(name)", host: host, port: port, error: error) ?? error
        }
        let bound = channel.localAddress?.port ?? port
        ports.set(name, bound)
        stats.listening(name)
        logger.info("UDP listener started", metadata: ["listener": "\(name)", "address": "\(host):\(bound)"])

        await withGracefulShutdownHandler {
            await consume(queue)
        } onGracefulShutdown: {
            channel.close(promise: nil)
            queue.close()
        }
        // Cancelled rather than shut down (another service of the gateway failed), `consume`
        // ends without the handler above having closed the socket: close it here, or the wait
        // below never ends and the gateway cannot stop.
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
        logger.info("UDP listener stopped", metadata: ["listener": "\(name)"])
    }

    private func consume(_ queue: DatagramQueue) async {
        var decoder = self.decoder
        let name = decoder.name
        var window = CommitWindow(limit: Self.batchesInFlight, bytes: Self.bytesInFlight)
        var packing: Task<Void, Never>?
        while let batch = await queue.take(upTo: Self.batchLimit) {
            let now = clock.now()
            var frames: [[UInt8]] = []
            var frameBytes = 0
            var folding = ReceiptFolding()
            func storeIfFull(adding bytes: Int) async {
                guard !frames.isEmpty, frameBytes + bytes > Self.batchBytes || frames.count == Self.datagramsPerPayload else { return }
                await store(frames, bytes: frameBytes, folding, decoder: decoder, at: now, window: &window, after: &packing)
                frames.removeAll()
                folding = ReceiptFolding()
                frameBytes = 0
            }
            for datagram in batch {
                // A repeat of a line already in this batch is counted from its header and kept, not decoded.
                if let key = decoder.repeatKey(datagram) {
                    await storeIfFull(adding: datagram.count)
                    if folding.addRepeat(key, item: frames.count) {
                        frames.append(datagram)
                        frameBytes += datagram.count
                        continue
                    }
                }
                switch decoder.decode(datagram, at: now) {
                case .signal(let stored, let signal):
                    await storeIfFull(adding: stored.count)
                    folding.add(signal, item: frames.count)
                    frames.append(stored)
                    frameBytes += stored.count
                case .pending:
                    continue
                case .dropped(let cause):
                    stats.dropped(name, cause)
                }
            }
            stats.dropped(name, .incompleteChunks, count: Int64(decoder.expire(now: now)))
            if !frames.isEmpty { await store(frames, bytes: frameBytes, folding, decoder: decoder, at: now, window: &window, after: &packing) }
        }
        await packing?.value
        await window.drain()
    }

    /// Stores one batch of datagrams as one framed payload; a refusal is counted as a drop.
    ///
    /// Returns once the batch has its place in the commit window (no more than
    /// `batchesInFlight` are being packed or wait for their commit), so the next datagrams are
    /// keyed and decoded while it is packed and stored. Packing (framing, compressing the
    /// payload: the costliest step per batch at 100k datagrams/s) runs in a task of its own, on
    /// another thread of the pool when one is free; it submits to the pipeline only after the
    /// batch before it did (`after`), so the pipeline takes a listener's batches in the order
    /// they came.
    private func store(_ frames: [[UInt8]], bytes frameBytes: Int, _ folding: ReceiptFolding, decoder: Decoder, at now: Timestamp,
                       window: inout CommitWindow, after previous: inout Task<Void, Never>?) async {
        // What the framed body will hold: each datagram and its 4-byte length.
        let reserved = frameBytes + 4 * frames.count
        await window.reserve(bytes: reserved)
        let name = decoder.name
        let source = decoder.source
        let storedDecoder = decoder.storedDecoder
        let (signals, repeats) = (folding.signals, folding.repeats)
        let (pipeline, stats, logger, release, before) = (pipeline, stats, logger, window.release, previous)
        previous = Task {
            let body = DatagramFrames.encode(frames)
            // From the framed body the payload keeps anyway, not from `frames`: a batch in flight holds its
            // bytes once. Its frames are indexed in one pass (microseconds for 4096), so a batch whose repeats
            // are placed one by one (folding off, or the lead left no firing alert) finds each directly.
            var repeatSignal: (@Sendable (Int) -> Signal?)?
            if !repeats.isEmpty {
                let ranges = DatagramFrames.ranges(of: body) ?? []
                repeatSignal = { item in ranges.indices.contains(item) ? storedDecoder(Array(body[ranges[item]]), now) : nil }
            }
            // Batches of one listener are alike: each is compressed against one before it.
            let request = pipeline.request(
                body: body, key: name, source: source, contentType: DatagramFrames.contentType,
                receivedAt: now, signals: signals, repeats: repeats, repeatSignal: repeatSignal)
            await before?.value
            let count = Int64(request.itemCount)
            pipeline.submit(consume request) { result in
                switch result {
                case .success: stats.stored(name, count: count)
                case .failure(let error):
                    stats.dropped(name, .pipeline, count: count)
                    logger.warning("UDP batch not stored", metadata: ["listener": "\(name)", "signals": "\(count)", "error": "\(error)"])
                }
                release(reserved)
            }
        }
    }
}
