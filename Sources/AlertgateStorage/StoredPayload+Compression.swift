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
    /// the CPU for about a tenth fewer bytes: a body of a hundred alerts (~38 KB) in 92 µs and
    /// 1,697 bytes, against 30 µs and 1,885 bytes at level 1 (a C loop, 2026-12-06); a hundred
    /// alerts per POST, that was ~3 % of the server's CPU for ~2 bytes an alert of the ~500 it
    /// adds to the database. UDP batches of ~450 KB took half the time at level 1 (0.075 of
    /// the original against 0.057). A one-alert body (379 bytes) came to 269 bytes at either
    /// level in the same loop, its cost zlib's fixed part. Resends are compressed against their
    /// base (`PayloadCompressor`) at level 6: those deltas are most of what a resend stores.
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
