import AlertgateCompression
import AlertgateCore

extension StoredPayload {
    /// A payload holding `bytes` zlib-compressed, or as they are when compression would not
    /// make them smaller.
    public static func compressing(_ bytes: [UInt8], source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        let compressed = Zlib.compress(bytes, level: fullLevel)
        if compressed.count < bytes.count {
            return StoredPayload(source: source, contentType: contentType, encoding: .zlib, originalSize: bytes.count, bytes: compressed, receivedAt: receivedAt)
        }
        return StoredPayload(source: source, contentType: contentType, encoding: .identity, originalSize: bytes.count, bytes: bytes, receivedAt: receivedAt)
    }

    /// zlib's level for a payload stored in full, whatever its source. Level 6 took three times
    /// the CPU for about a tenth fewer bytes: a body of a hundred alerts (~38 KB) in 92 µs against
    /// 30, to 1,697 bytes against 1,885; at a hundred alerts per POST that was ~3 % of the
    /// server's CPU for ~2 bytes an alert of the ~500 its rows take. UDP batches of ~450 KB
    /// likewise (0.075 of the original against 0.057), and a one-alert body (~400 bytes) comes
    /// out the same size at either level, its cost zlib's fixed part. Resends are compressed
    /// against their base (`PayloadCompressor`), at level 6: those bytes are most of what they
    /// store.
    static let fullLevel: Int32 = 1
}

extension StoredPayload {
    /// The original bytes of stored payload `id` (its `encoding` code, original `size` and stored
    /// `data`); `dictionary` holds those of its dictionary payload. The same for both stores.
    package static func originalBytes(id: Int64, encoding code: Int, size: Int, data: [UInt8], dictionary: [UInt8]?) throws -> [UInt8] {
        switch StoredPayload.Encoding(rawValue: code) {
        case .identity: return data
        case .zlib: return try Zlib.decompress(data, format: .zlib, limit: size)
        case .zlibDictionary, .zlibXORDelta:
            // A dictionary payload is itself stored without one: restoring takes two inflates at most.
            guard let dictionary else { throw StoreError.corruptRow("payload \(id) needs a dictionary payload stored without one") }
            return code == StoredPayload.Encoding.zlibXORDelta.rawValue
                ? try XORDelta.decompress(data, against: dictionary, size: size)
                : try DictionaryDelta.decompress(data, against: dictionary, size: size)
        case nil: throw StoreError.corruptRow("payloads.encoding holds an unknown code \(code) in payload \(id)")
        }
    }
}
