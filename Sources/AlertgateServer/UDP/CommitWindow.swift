/// Bounds the batches of one listener that wait for their commit, by count and by bytes:
/// decoding goes on while they are being stored, and waits when either bound is reached (a
/// batch larger than the byte bound goes alone).
struct CommitWindow {
    let limit: Int
    let byteLimit: Int
    /// Batches reserved and not yet released (as far as the window has seen), and their bytes.
    private(set) var waiting = 0
    private(set) var bytes = 0
    private var next: AsyncStream<Int>.Iterator
    /// Called once by each batch, with its bytes, when its commit (or failure) is known.
    let release: @Sendable (Int) -> Void

    init(limit: Int, bytes: Int = .max) {
        self.limit = max(1, limit)
        byteLimit = bytes
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        next = stream.makeAsyncIterator()
        release = { continuation.yield($0) }
    }

    /// Waits until the batches waiting leave room for one more of `bytes`, then counts it.
    mutating func reserve(bytes more: Int) async {
        while waiting >= limit || (waiting > 0 && bytes + more > byteLimit) {
            await takeRelease()
        }
        waiting += 1
        bytes += more
    }

    /// Waits for every batch still waiting.
    mutating func drain() async {
        while waiting > 0 { await takeRelease() }
    }

    private mutating func takeRelease() async {
        let released = await next.next() ?? 0
        waiting -= 1
        bytes -= released
    }
}
