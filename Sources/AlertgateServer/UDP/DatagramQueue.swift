import Synchronization

/// The bounded queue between a UDP socket and the pipeline. UDP cannot push back, so what
/// does not fit is dropped and counted, never silently lost.
final class DatagramQueue: Sendable {
    private struct State {
        var datagrams: [[UInt8]] = []
        var bytes = 0
        var closed = false
    }

    let capacity: Int
    /// Most bytes held at once, whatever the count: a flood of large datagrams stays bounded.
    let byteCapacity: Int
    private let state = Mutex(State())
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    init(capacity: Int, byteCapacity: Int = 8 << 20) {
        self.capacity = capacity
        self.byteCapacity = byteCapacity
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds the datagrams that fit, in order; returns how many were added (the caller counts
    /// the others as drops). One lock and one wake-up for all of them.
    func push(contentsOf datagrams: some Collection<[UInt8]>) -> Int {
        let accepted = state.withLock { state in
            var accepted = 0
            guard !state.closed else { return 0 }
            for datagram in datagrams {
                guard state.datagrams.count < capacity else { break }
                guard state.bytes + datagram.count <= byteCapacity else { continue }
                state.datagrams.append(datagram)
                state.bytes += datagram.count
                accepted += 1
            }
            return accepted
        }
        if accepted > 0 { wakeContinuation.yield() }
        return accepted
    }

    /// Takes up to `limit` datagrams, waiting until one is there; nil once closed and empty.
    func take(upTo limit: Int) async -> [[UInt8]]? {
        var iterator = wake.makeAsyncIterator()
        while true {
            let (batch, closed): ([[UInt8]], Bool) = state.withLock { state in
                let count = min(limit, state.datagrams.count)
                let batch = Array(state.datagrams.prefix(count))
                state.datagrams.removeFirst(count)
                state.bytes -= batch.reduce(0) { $0 + $1.count }
                return (batch, state.closed)
            }
            if !batch.isEmpty { return batch }
            if closed { return nil }
            if await iterator.next() == nil {
                return state.withLock { state in
                    let rest = state.datagrams
                    state.datagrams.removeAll()
                    state.bytes = 0
                    return rest.isEmpty ? nil : rest
                }
            }
        }
    }

    var count: Int { state.withLock { $0.datagrams.count } }

    /// No more datagrams are taken in; what is queued can still be taken.
    func close() {
        state.withLock { $0.closed = true }
        wakeContinuation.finish()
    }
}
