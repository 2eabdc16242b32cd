import NIOCore

/// Hands the datagrams of each read to the queue, on the channel's event loop: gathered as they
/// are read and pushed (and counted) once the read is complete, so a burst of a vector read
/// costs one lock of the queue and of the counters, not one per datagram.
final class DatagramQueueHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let name: String
    let queue: DatagramQueue
    let stats: UDPStats
    private var read: [[UInt8]] = []

    init(name: String, queue: DatagramQueue, stats: UDPStats) {
        self.name = name
        self.queue = queue
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        read.append(Array(unwrapInboundIn(data).data.readableBytesView))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !read.isEmpty else { return }
        let count = read.count
        let accepted = queue.push(contentsOf: read)
        read.removeAll(keepingCapacity: true)
        stats.received(name, count: Int64(count))
        if accepted < count { stats.dropped(name, .queueFull, count: Int64(count - accepted)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        channelReadComplete(context: context)
        context.fireChannelInactive()
    }
}
