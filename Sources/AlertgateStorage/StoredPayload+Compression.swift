import AlertgateCompression
import AlertgateCore

extension StoredPayload {
    /// A payload holding `bytes` zlib-compressed, or as they are when compression would not
    /// make them smaller.
    public static func compressing(_ bytes: [UInt8], source: SignalSource, contentType: String, receivedAt: Timestamp) -> StoredPayload {
        let compressed = Zlib.compress(bytes)
        if compressed.count < bytes.count {
            return StoredPayload(source: source, contentType: contentType, encoding: .zlib, originalSize: bytes.count, bytes: compressed, receivedAt: receivedAt)
        }
        return StoredPayload(source: source, contentType: contentType, encoding: .identity, originalSize: bytes.count, bytes: bytes, receivedAt: receivedAt)
    }
}
