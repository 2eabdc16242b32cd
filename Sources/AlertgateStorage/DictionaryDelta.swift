import AlertgateCompression
/// The layout of `.zlibDictionary` payloads: the original bytes cut into 16 KiB segments,
/// each one zlib stream compressed against a window of the dictionary payload's bytes around
/// the same offset.
///
/// Why segments: deflate looks back at most 32 KiB, so a whole dictionary in front of a 64 KiB
/// body helps only its first part. A resend of a batch holds the same alerts at nearly the same
/// offsets as the payload before it, so a window of the dictionary at the segment's offset (from
/// 8 KiB before it to 8 KiB after its end) lets every segment find its previous version.
///
/// The window depends only on the segment's offset, so restoring needs nothing stored beyond
/// the streams themselves. These constants are part of the stored format: changing them needs
/// a new `StoredPayload.Encoding`.
enum DictionaryDelta {
    static let segmentBytes = 16 * 1024
    static let windowBytes = 32 * 1024
    static let lookaheadBytes = 8 * 1024

    /// The part of `dictionary` the segment starting at `offset` is compressed against.
    static func window(of dictionary: [UInt8], forSegmentAt offset: Int) -> ArraySlice<UInt8> {
        let end = min(dictionary.count, offset + segmentBytes + lookaheadBytes)
        return dictionary[max(0, end - windowBytes)..<end]
    }

    static func compress(_ bytes: [UInt8], against dictionary: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        // Each segment's stream reaches back over its window of the dictionary and itself.
        Deflater.withPooled(.fitting(bytes.count + dictionary.count, level: 6)) { deflater in
            var offset = 0
            repeat {
                let end = min(bytes.count, offset + segmentBytes)
                deflater.compress(bytes[offset..<end], dictionary: window(of: dictionary, forSegmentAt: offset), appendingTo: &output)
                offset = end
            } while offset < bytes.count
        }
        return output
    }

    /// The original bytes of `data` (at most `size`), given the dictionary payload's original bytes.
    static func decompress(_ data: [UInt8], against dictionary: [UInt8], size: Int) throws(Zlib.Failure) -> [UInt8] {
        try Zlib.decompress(data, format: .zlib, limit: size) { offset in window(of: dictionary, forSegmentAt: offset) }
    }
}
