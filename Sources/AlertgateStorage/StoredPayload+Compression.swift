import AlertgateCompression
import AlertgateCore

extension StoredPayload {
    /// A payload holding `bytes` zlib-compressed, or as they are when compression would not
    /// make them smaller.
    public static func compressing(_ bytes: [UInt8], source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        let compressed = Zlib.compress(bytes, level: level(for: source))
        if compressed.count < bytes.count {
            return StoredPayload(source: source, contentType: contentType, encoding: .zlib, originalSize: bytes.count, bytes: compressed, receivedAt: receivedAt)
        }
        return StoredPayload(source: source, contentType: contentType, encoding: .identity, originalSize: bytes.count, bytes: bytes, receivedAt: receivedAt)
    }

    /// zlib's level for a payload stored in full. UDP listeners store up to 100k datagrams a
    /// second as batches of about 450 KB, and at level 6 compressing them took a sixth of the
    /// process's CPU; level 1 takes half the time for a few more bytes (bench datagrams:
    /// 0.075 of the original against 0.057). Everything else keeps level 6.
    static func level(for source: SignalSource) -> Int32 {
        switch source {
        case .syslog, .gelf, .jsonDatagram: 1
        default: 6
        }
    }
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
