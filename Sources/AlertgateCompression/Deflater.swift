import CZlib
import Synchronization

/// One zlib deflate stream, reused for several compressions. `deflateReset` between them costs
/// far less than `deflateInit` (which allocates and clears ~260 KB), and each compression may
/// start from a preset dictionary. Not thread-safe: one owner at a time, which `withPooled`
/// guarantees (hence `@unchecked Sendable`).
package final class Deflater: @unchecked Sendable {
    /// Idle streams by compression level, for `withPooled`.
    private static let pool = Mutex<[Int32: [Deflater]]>([:])
    /// Idle streams kept per level; more are freed (about 260 KB each).
    private static let poolLimit = 8

    /// Runs `body` with an idle stream of `level`, made if none is idle, and keeps it for the
    /// next caller. Request tasks compress their bodies this way.
    package static func withPooled<Result>(level: Int32 = 6, _ body: (Deflater) -> Result) -> Result {
        let deflater = pool.withLock { $0[level]?.popLast() } ?? Deflater(level: level)
        defer {
            pool.withLock { pool in
                if pool[level, default: []].count < poolLimit { pool[level, default: []].append(deflater) }
            }
        }
        return body(deflater)
    }

    /// Heap-allocated because zlib's state points back at its `z_stream`: it must not move.
    private let stream: UnsafeMutablePointer<z_stream>

    package init(level: Int32 = 6) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard deflateInit_(stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("deflateInit failed: out of memory")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Appends one complete zlib stream of `input` to `output`; with `dictionary`, the stream
    /// is compressed against it (and names its Adler-32, so a wrong dictionary is detected).
    package func compress(_ input: ArraySlice<UInt8>, dictionary: ArraySlice<UInt8>? = nil, appendingTo output: inout [UInt8]) {
        precondition(deflateReset(stream) == Z_OK, "deflateReset on a valid stream")
        if let dictionary, !dictionary.isEmpty {
            let status = dictionary.withUnsafeBufferPointer { deflateSetDictionary(stream, $0.baseAddress, uInt($0.count)) }
            precondition(status == Z_OK, "deflateSetDictionary right after deflateReset")
        }
        // deflateBound counts the dictionary id once a dictionary is set; the loop covers the rest.
        var room = Int(deflateBound(stream, uLong(input.count)))
        input.withUnsafeBufferPointer { inBuf in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.pointee.avail_in = uInt(inBuf.count)
            while true {
                let start = output.count
                output.append(contentsOf: repeatElement(0, count: room))
                let status = output.withUnsafeMutableBufferPointer { outBuf in
                    stream.pointee.next_out = outBuf.baseAddress! + start
                    stream.pointee.avail_out = uInt(room)
                    return deflate(stream, Z_FINISH)
                }
                output.removeLast(Int(stream.pointee.avail_out))
                if status == Z_STREAM_END { break }
                precondition(status == Z_OK || status == Z_BUF_ERROR, "deflate with Z_FINISH: status \(status)")
                room = max(room, 64)
            }
        }
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
    }
}
