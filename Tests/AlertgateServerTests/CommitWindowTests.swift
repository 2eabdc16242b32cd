@testable import AlertgateServer
import Testing

/// The UDP listener's bound on batches waiting for their commit: by count and by bytes, a
/// batch larger than the byte bound going alone.
@Suite struct CommitWindowTests {
    /// Reserves `sizes` in order, each release fed only once the window has to wait for it;
    /// returns, for each reservation, how many releases it waited for in all.
    static func waits(limit: Int, bytes: Int, sizes: [Int]) async -> [Int] {
        var window = CommitWindow(limit: limit, bytes: bytes)
        var pending = sizes[...]
        var released = 0
        var waited: [Int] = []
        for size in sizes {
            // Release the oldest batches up front as far as the window will need them: the
            // test feeds exactly what a bound requires, so an extra wait would hang, not pass.
            while true {
                let inFlight = sizes[released..<(sizes.count - pending.count)]
                let over = inFlight.count >= limit || (!inFlight.isEmpty && inFlight.reduce(0, +) + size > bytes)
                guard over else { break }
                window.release(sizes[released])
                released += 1
            }
            await window.reserve(bytes: size)
            pending = pending.dropFirst()
            waited.append(released)
            // It took in every release fed: what it counts is exactly what is still in flight.
            let inFlight = sizes[released..<(sizes.count - pending.count)]
            #expect(window.waiting == inFlight.count && window.bytes == inFlight.reduce(0, +))
        }
        return waited
    }

    @Test func countAndBytesBothBound() async {
        #expect(await Self.waits(limit: 3, bytes: .max, sizes: [1, 1, 1, 1, 1]) == [0, 0, 0, 1, 2])
        #expect(await Self.waits(limit: 8, bytes: 10, sizes: [4, 4, 4, 1, 9]) == [0, 0, 1, 1, 3])
        #expect(await Self.waits(limit: 8, bytes: 10, sizes: [30, 2, 30]) == [0, 1, 2], "a batch over the bound goes alone")
    }

    @Test func drainWaitsForEveryBatch() async {
        var window = CommitWindow(limit: 4, bytes: 100)
        await window.reserve(bytes: 10)
        await window.reserve(bytes: 20)
        window.release(10)
        window.release(20)
        await window.drain()
        #expect(window.waiting == 0 && window.bytes == 0)
        await window.reserve(bytes: 100)
        window.release(100)
        await window.drain()
        #expect(window.waiting == 0 && window.bytes == 0)
    }
}
