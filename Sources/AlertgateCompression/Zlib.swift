import CZlib

/// zlib through the system library: compression of stored payloads and decompression of
/// request bodies with a hard limit on the output size.
public enum Zlib {
    /// The container around deflate data.
    public enum Format: Sendable {
        /// RFC 1950, what stored payloads and HTTP `deflate` use.
        case zlib
        /// RFC 1952.
        case gzip
        /// Bare deflate (some clients send this for HTTP `deflate`).
        case raw
        /// zlib or gzip, told apart by the header.
        case auto

        var windowBits: Int32 {
            switch self {
            case .zlib: 15
            case .gzip: 15 + 16
            case .raw: -15
            case .auto: 15 + 32
            }
        }
    }

    public enum Failure: Error, Equatable, Sendable {
        /// The output would pass the limit: a compression bomb or simply too big.
        case outputLimitExceeded(limit: Int)
        /// The input is not valid compressed data.
        case corrupt(String)
        /// The input ended before the compressed stream did.
        case truncated
    }

    /// The Adler-32 checksum of `bytes` (RFC 1950), as zlib computes it.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: CZlib.adler32(CZlib.adler32(0, nil, 0), buffer.baseAddress, uInt(buffer.count)))
        }
    }

    /// Compresses `input` into the zlib format.
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var output: [UInt8] = []
        Deflater.withPooled(.fitting(input.count, level: level)) { $0.compress(input[...], appendingTo: &output) }
        return output
    }

    /// Decompresses `input`, failing as soon as the output would pass `limit` bytes.
    ///
    /// With `dictionary`, `input` may hold several zlib streams in a row, each compressed
    /// against a preset dictionary: `dictionary(n)` gives the one of the stream whose output
    /// starts at offset `n` (zlib checks it against the Adler-32 the stream names).
    public static func decompress(
        _ input: [UInt8], format: Format = .auto, limit: Int, dictionary: ((Int) -> ArraySlice<UInt8>)? = nil
    ) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, format.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(4096, input.count * 4)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var failure: Failure?
        input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuf.count - Int(stream.avail_out))
                }
                if output.count + produced > limit {
                    failure = .outputLimitExceeded(limit: limit)
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_NEED_DICT:
                    guard let dictionary else { failure = .corrupt("the stream needs a preset dictionary"); return }
                    let status = dictionary(output.count).withUnsafeBufferPointer { dict in
                        inflateSetDictionary(&stream, dict.baseAddress, uInt(dict.count))
                    }
                    guard status == Z_OK else { failure = .corrupt("the preset dictionary does not match the stream"); return }
                    continue
                case Z_STREAM_END:
                    guard stream.avail_in > 0 else { return }
                    if dictionary != nil {
                        // The next stream of a payload compressed in segments.
                        guard inflateReset(&stream) == Z_OK else { failure = .corrupt("inflateReset failed"); return }
                        continue
                    }
                    // More input after a complete stream: gzip allows several members in a row
                    // (RFC 1952 2.2); anything else is trailing garbage.
                    guard format == .gzip || format == .auto, inflateReset(&stream) == Z_OK,
                          stream.next_in.map({ $0[0] == 0x1F }) == true
                    else {
                        failure = .corrupt("data after the end of the compressed stream")
                        return
                    }
                    continue
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: input ended before the stream did.
                    if stream.avail_in == 0 { failure = .truncated; return }
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    failure = .corrupt(message)
                    return
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
