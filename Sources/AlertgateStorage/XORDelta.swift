import AlertgateCompression

/// The layout of `.zlibXORDelta` payloads: the Adler-32 of the original bytes (4 bytes, big
/// endian), then one zlib stream of the original bytes XOR the dictionary payload's original
/// bytes, byte by byte. Only for a payload exactly as long as its dictionary payload.
///
/// Why: a Prometheus resend is the body before it with only the times changed, every other
/// byte at the same offset. XOR leaves zeros wherever the two agree, and deflate codes a run
/// of zeros as matches at distance 1, a few bits each; `DictionaryDelta` finds the same bytes
/// as matches kilobytes back, whose distance codes cost some 9 bytes per alert. Measured on
/// the resend workload (bench/resend.py: 2,000 alerts in POSTs of 256, bodies of ~136 KB):
/// 677 bytes a resend on average against ~2,400, so its row fits five to a 4 KiB page
/// instead of one.
///
/// The checksum is of the result: XOR against the wrong dictionary (a damaged or replaced row)
/// would restore other bytes without any error, where `DictionaryDelta` has zlib check the
/// dictionary's. The length is the row's `size`, the other operand the dictionary payload.
/// This layout is part of the stored format: changing it needs a new
/// `StoredPayload.Encoding`.
enum XORDelta {
    /// The delta of `bytes` against `dictionary`; nil when their lengths differ.
    static func compress(_ bytes: [UInt8], against dictionary: [UInt8]) -> [UInt8]? {
        guard bytes.count == dictionary.count, !bytes.isEmpty else { return nil }
        let difference = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            bytes.withUnsafeBufferPointer { left in
                dictionary.withUnsafeBufferPointer { right in
                    for index in 0..<left.count { buffer[index] = left[index] ^ right[index] }
                }
            }
            initialized = bytes.count
        }
        let checksum = Zlib.adler32(bytes)
        var output: [UInt8] = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) }
        Deflater.withPooled(.fitting(difference.count, level: 6)) { deflater in deflater.compress(difference[...], appendingTo: &output) }
        return output
    }

    /// The original bytes of `data` (`size` of them), given the dictionary payload's original bytes.
    static func decompress(_ data: [UInt8], against dictionary: [UInt8], size: Int) throws(Zlib.Failure) -> [UInt8] {
        guard data.count > 4 else { throw .truncated }
        let checksum = data.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        var bytes = try Zlib.decompress(Array(data.dropFirst(4)), format: .zlib, limit: size)
        guard bytes.count == size, dictionary.count == size else {
            throw .corrupt("an XOR delta of \(bytes.count) bytes against a dictionary of \(dictionary.count), for a payload of \(size)")
        }
        for index in bytes.indices { bytes[index] ^= dictionary[index] }
        guard Zlib.adler32(bytes) == checksum else { throw .corrupt("an XOR delta restored against the wrong dictionary") }
        return bytes
    }
}
