import CZlib
import Synchronization

/// One zlib deflate stream, reused for several compressions. `deflateReset` between them costs
/// far less than `deflateInit` (which allocates ~270 KB at the standard shape, ~38 KB at the
/// small one, and clears part of it), and each compression may start from a preset dictionary.
/// Not thread-safe: one owner at a time, which `withPooled` guarantees (hence
/// `@unchecked Sendable`).
package final class Deflater: @unchecked Sendable {
    /// What a stream is made for: its level and how much memory zlib gives it.
    package struct Shape: Hashable, Sendable {
        package let level: Int32
        /// log2 of the window deflate looks back over (9–15).
        package let windowBits: Int32
        /// 1–9: the hash table has 2^(memLevel + 7) entries.
        package let memLevel: Int32

        /// zlib's defaults: a 32 KiB window and a hash table of 32,768 entries (64 KiB), which
        /// every reset clears.
        package static func standard(level: Int32) -> Shape { Shape(level: level, windowBits: 15, memLevel: 8) }

        /// The shape for compressing `bytes` bytes, a preset dictionary included. Up to
        /// `smallBytes`, a 4 KiB window still reaches back over all of them (deflate looks back
        /// at most the window less 262 bytes, 3,834 here) and a hash table of 4,096 entries
        /// (8 KiB) is enough for them, while a reset clears an eighth of what it clears at the
        /// standard shape. A body of one alert per POST (~400 bytes) comes out the same size and
        /// costs less CPU, most when the stream's memory is out of cache, as under load.
        package static func fitting(_ bytes: Int, level: Int32) -> Shape {
            bytes <= smallBytes ? Shape(level: level, windowBits: 12, memLevel: 5) : standard(level: level)
        }

        package static let smallBytes = 3 * 1024
    }

    /// Idle streams by shape, for `withPooled`.
    private static let pool = Mutex<[Shape: [Deflater]]>([:])
    /// Idle streams kept per shape; more are freed (about 270 KB each at the standard shape).
    private static let poolLimit = 8

    /// Runs `body` with an idle stream of `shape`, made if none is idle, and keeps it for the
    /// next caller. Request tasks compress their bodies this way.
    package static func withPooled<Result>(_ shape: Shape, _ body: (Deflater) -> Result) -> Result {
        let deflater = pool.withLock { $0[shape]?.popLast() } ?? Deflater(shape)
        defer {
            pool.withLock { pool in
                if pool[shape, default: []].count < poolLimit { pool[shape, default: []].append(deflater) }
            }
        }
        return body(deflater)
    }

    /// Heap-allocated because zlib's state points back at its `z_stream`: it must not move.
    private let stream: UnsafeMutablePointer<z_stream>

    package init(_ shape: Shape) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(stream, shape.level, Z_DEFLATED, shape.windowBits, shape.memLevel, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            preconditionFailure("deflateInit2 failed (status \(status)) for \(shape)")
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
